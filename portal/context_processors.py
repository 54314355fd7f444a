from django.conf import settings
from django.utils import translation

from translations import languages


def site(request):
    language = translation.get_language()
    return {
        "SITE_NAME": settings.SITE_NAME,
        "HTML_LANG": languages.html_lang(language),
        "URL_PREFIX": languages.url_prefix(language),
    }
