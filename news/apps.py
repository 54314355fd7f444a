from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News and blog")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from news.defaults import after_migrate

        post_migrate.connect(after_migrate, sender=self, dispatch_uid="news-defaults")
        # Signal receivers: renditions and the search index follow every save.
        from news import caching, images, search  # noqa: F401

        caching.connect_signals()
