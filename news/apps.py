from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News and blog")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Signal receivers: translation records, renditions and the search index follow every save.
        from news import caching, images, search, translation_files  # noqa: F401

        caching.connect_signals()
