"""Suggestion providers other than the site's memory (``translations.memory``); none is enabled by default.

``LibreTranslate`` asks a LibreTranslate server (``LIBRETRANSLATE_URL``,
optionally ``LIBRETRANSLATE_API_KEY``) for a machine translation. Add
``"translations.providers.LibreTranslate"`` to
``TRANSLATION_SUGGESTION_PROVIDERS`` to use it. It waits at most
``TRANSLATION_SUGGESTION_TIMEOUT`` seconds; a server that does not answer
raises ``ProviderError``, which the segment editor shows and a file export
turns into no suggestion.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from translations import languages
from translations.memory import ProviderError, Suggestion

logger = logging.getLogger(__name__)
DEFAULT_TIMEOUT_SECONDS = 3
MACHINE_SCORE = 0.5  # below every memory match: a person's translation comes first


class LibreTranslate:
    name = "LibreTranslate"

    def __init__(self, url: str | None = None, api_key: str | None = None, timeout: float | None = None):
        self.url = (url if url is not None else getattr(settings, "LIBRETRANSLATE_URL", "")).rstrip("/")
        self.api_key = api_key if api_key is not None else getattr(settings, "LIBRETRANSLATE_API_KEY", "")
        self.timeout = timeout or getattr(settings, "TRANSLATION_SUGGESTION_TIMEOUT", DEFAULT_TIMEOUT_SECONDS)
        if not self.url:
            raise ImproperlyConfigured("LibreTranslate is a suggestion provider but LIBRETRANSLATE_URL is not set")

    @staticmethod
    def code(language: str) -> str:
        """LibreTranslate's code for a site language: ``zh-hans`` → ``zh``, ``en`` → ``en``."""
        return languages.get(language).code.split("-")[0]

    def suggest(self, text: str, source_language: str, target_language: str) -> list[Suggestion]:
        payload = {
            "q": text,
            "source": self.code(source_language),
            "target": self.code(target_language),
            "format": "text",
        }
        if self.api_key:
            payload["api_key"] = self.api_key
        request = urllib.request.Request(
            f"{self.url}/translate",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except (OSError, ValueError) as error:
            logger.warning("LibreTranslate at %s gave no translation: %s", self.url, error)
            raise ProviderError(_("the translation service did not answer (%(error)s)") % {"error": error}) from error
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(translated, str) or not translated.strip():
            raise ProviderError(_("the translation service answered without a translation"))
        return [Suggestion(source=text, translation=translated.strip(), score=MACHINE_SCORE, origin=self.name)]
