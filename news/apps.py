from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News and blog")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from news.defaults import after_migrate

        post_migrate.connect(after_migrate, sender=self, dispatch_uid="news-defaults")
        from news import caching, images, saving, search, search_index

        pre_migrate.connect(search_index.before_migrate, sender=self, dispatch_uid="news-search-index")
        post_migrate.connect(search_index.after_migrate, sender=self, dispatch_uid="news-search-index")

        # What follows an article's save, in this order, from its one save path (news.saving):
        # the banner's renditions, then the search document; translations adds its records.
        saving.register(images.article_saved)
        saving.register(search.article_saved)
        caching.connect_signals()
