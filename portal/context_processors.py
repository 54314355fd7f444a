from django.conf import settings
from django.utils import translation

from portal.i18n import html_lang, url_prefix


def site(request):
    language = translation.get_language()
    return {
        "SITE_NAME": settings.SITE_NAME,
        "HTML_LANG": html_lang(language),
        "URL_PREFIX": url_prefix(language),
    }
