from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News and blog")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Keeps the record of what each translation was made from, on every save.
        from news import translation_files  # noqa: F401
