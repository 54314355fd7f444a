from django.conf import settings
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers

from translations import languages


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, speaking the short URL prefixes.

    A path without a language (``/``, ``/news/x/``) is redirected to the
    visitor's language chosen from the cookie or Accept-Language, with
    ``zh-*`` going to ``/zh/`` and anything else to English.
    """

    def process_request(self, request):
        prefix = request.path_info.lstrip("/").split("/", 1)[0]
        language = languages.from_prefix(prefix)
        if language is None:
            language = translation.get_language_from_request(request, check_path=False)
            if language not in dict(settings.LANGUAGES):
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        request.language_in_path = prefix == languages.url_prefix(language)

    def process_response(self, request, response):
        language = translation.get_language()
        if response.status_code == 404 and not getattr(request, "language_in_path", True):
            urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
            language_path = f"/{languages.url_prefix(language)}{request.path_info}"
            if is_valid_path(language_path, urlconf):
                redirect = HttpResponseRedirect(request.get_full_path().replace(request.path_info, language_path, 1))
                patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
                return redirect
        if not getattr(request, "language_in_path", True):
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response
