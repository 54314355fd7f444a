from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    name = "translations"
    verbose_name = _("Translations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from news import saving
        from translations import records

        # Translation records follow every article save, through news' one extension point.
        saving.register(records.article_saved)
