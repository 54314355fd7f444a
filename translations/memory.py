"""Translation memory: what the site already translated, offered again for similar text.

For a source text and a target language, ``suggest`` returns the translations
of identical source segments (score 1.0, first) and of similar ones (difflib
ratio at least ``MIN_SCORE``), from every article. The scan stays bounded:
the database returns only translations whose source has a length that could
reach the score, at most ``MAX_CANDIDATES`` of them, and cheap upper bounds
(``real_quick_ratio``, ``quick_ratio``) skip most before the real ratio.

More providers (a machine translation service) come from the setting
``TRANSLATION_SUGGESTION_PROVIDERS``: dotted paths of classes or callables
whose ``suggest(text, source_language, target_language)`` returns
suggestions, or raises ``ProviderError`` saying why it could not. The
default is the site's memory alone; nothing uses the network. The segment
editor asks the memory for a whole page at once and the other providers one
segment at a time, when the translator asks (``machine_suggest``).
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.module_loading import import_string

from translations import languages
from translations.models import SegmentTranslation

logger = logging.getLogger(__name__)
MIN_SCORE = 0.75
# ratio = 2·matches / (len(a) + len(b)) ≥ 0.75 needs the shorter text to be at least 3/5 of the longer.
MIN_LENGTH_RATIO = 0.6
MAX_CANDIDATES = 5000
MEMORY = "memory"
DEFAULT_PROVIDERS = ["translations.memory.SiteMemory"]


class ProviderError(Exception):
    """A provider could not answer; the message says why, for the translator."""


@dataclass(frozen=True)
class Suggestion:
    source: str  # the source text the suggestion translates
    translation: str
    score: float  # 1.0: the same source text
    origin: str  # "memory" or a provider's name


def _length_window(text: str) -> tuple[int, int]:
    size = len(text)
    return int(size * MIN_LENGTH_RATIO), int(size / MIN_LENGTH_RATIO) + 1


def _score(text: str, candidate: str) -> float:
    if candidate == text:
        return 1.0
    matcher = difflib.SequenceMatcher(a=text, b=candidate, autojunk=False)
    if matcher.real_quick_ratio() < MIN_SCORE or matcher.quick_ratio() < MIN_SCORE:
        return 0.0
    return matcher.ratio()


def _rank(found: Iterable[Suggestion], limit: int) -> list[Suggestion]:
    best: dict[str, Suggestion] = {}
    for suggestion in found:
        kept = best.get(suggestion.translation)
        if kept is None or suggestion.score > kept.score:
            best[suggestion.translation] = suggestion
    return sorted(best.values(), key=lambda item: (-item.score, item.source))[:limit]


class SiteMemory:
    """The translations stored on the site (``SegmentTranslation``), with the source each was made from."""

    name = MEMORY

    def candidates(
        self, texts: Iterable[str], language: str, *, exclude_segment_id: int | None = None
    ) -> list[tuple[str, str]]:
        """(source, translation) pairs that could match any of ``texts``: one query."""
        texts = [text for text in texts if text]
        if not texts:
            return []
        windows = {_length_window(text) for text in texts}
        near = reduce(or_, (Q(size__gte=low, size__lte=high) for low, high in windows))
        rows = (
            SegmentTranslation.objects.filter(language=language)
            .exclude(translation="")
            .exclude(translated_from="")
            .annotate(size=Length("translated_from"))
            .filter(near | Q(translated_from__in=texts))
        )
        if exclude_segment_id is not None:
            rows = rows.exclude(segment_id=exclude_segment_id)
        return list(rows.order_by("-updated_at").values_list("translated_from", "translation")[:MAX_CANDIDATES])

    def match(self, text: str, candidates: Iterable[tuple[str, str]]) -> list[Suggestion]:
        low, high = _length_window(text)
        found = []
        for source, translation in candidates:
            if not low <= len(source) <= high:
                continue
            score = _score(text, source)
            if score >= MIN_SCORE:
                found.append(Suggestion(source=source, translation=translation, score=round(score, 3), origin=MEMORY))
        return found

    def suggest(
        self, text: str, source_language: str, target_language: str, *, exclude_segment_id: int | None = None
    ) -> list[Suggestion]:
        candidates = self.candidates([text], target_language, exclude_segment_id=exclude_segment_id)
        return self.match(text, candidates)


def providers() -> list:
    """The configured providers, built from their dotted paths (a class is instantiated)."""
    found = []
    for dotted in getattr(settings, "TRANSLATION_SUGGESTION_PROVIDERS", DEFAULT_PROVIDERS):
        provider = import_string(dotted)
        found.append(provider() if isinstance(provider, type) else provider)
    return found


def _origin(provider) -> str:
    return getattr(provider, "name", None) or getattr(provider, "__name__", None) or type(provider).__name__


def machine_providers() -> list:
    """The configured providers other than the site's memory."""
    return [provider for provider in providers() if not isinstance(provider, SiteMemory)]


def _ask(provider, text: str, source_language: str, language: str) -> list[Suggestion]:
    call = provider.suggest if hasattr(provider, "suggest") else provider
    return list(call(text, source_language, language))


def _call(provider, text: str, source_language: str, language: str) -> list[Suggestion]:
    """A provider's suggestions, none when it fails (a file export does not stop for a missing suggestion)."""
    try:
        return _ask(provider, text, source_language, language)
    except ProviderError as error:
        logger.warning("%s gave no suggestion: %s", _origin(provider), error)
        return []


@dataclass(frozen=True)
class MachineAnswer:
    suggestions: list[Suggestion]
    failures: list[str]  # one message per provider that could not answer


def machine_suggest(text: str, language: str, *, limit: int = 3) -> MachineAnswer:
    """What the providers other than the memory suggest for one text, and which of them failed (why)."""
    found, failures = [], []
    if text.strip() and language in languages.codes():
        for provider in machine_providers():
            try:
                found.extend(_ask(provider, text, languages.of_text(text), language))
            except ProviderError as error:
                failures.append(f"{_origin(provider)}: {error}")
    return MachineAnswer(suggestions=_rank(found, limit), failures=failures)


def suggest(text: str, language: str, *, exclude_segment_id: int | None = None, limit: int = 3) -> list[Suggestion]:
    """Translations into ``language`` for ``text``: the same source first, then the most similar."""
    if not text.strip() or language not in languages.codes():
        return []
    source_language = languages.of_text(text)
    found = []
    for provider in providers():
        if isinstance(provider, SiteMemory):
            found.extend(provider.suggest(text, source_language, language, exclude_segment_id=exclude_segment_id))
        else:
            found.extend(_call(provider, text, source_language, language))
    return _rank(found, limit)


def suggest_many(
    texts: Iterable[str], language: str, *, limit: int = 3, machine: bool = True
) -> dict[str, list[Suggestion]]:
    """``suggest`` for every text of a page, with one query to the site's memory; ``machine=False``: the memory only."""
    texts = list(dict.fromkeys(text for text in texts if text.strip()))
    if not texts or language not in languages.codes():
        return {}
    found: dict[str, list[Suggestion]] = {text: [] for text in texts}
    for provider in providers():
        if isinstance(provider, SiteMemory):
            candidates = provider.candidates(texts, language)
            for text in texts:
                found[text].extend(provider.match(text, candidates))
        elif machine:
            for text in texts:
                found[text].extend(_call(provider, text, languages.of_text(text), language))
    return {text: _rank(items, limit) for text, items in found.items()}
