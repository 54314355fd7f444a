"""Reading aids: reading time, lists in the page's language and their pages."""

import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.utils.translation import pgettext

from news.cjk import CJK_CLASS
from news.content import missing_condition
from news.markdown_html import markup_text
from portal import query_cache
from translations import languages

CJK_CHARS_PER_MINUTE = 300
WORDS_PER_MINUTE = 200
ALL_LANGUAGES_PARAM = "all"

_CJK = re.compile(f"[{CJK_CLASS}]")
# A Chinese (or Japanese) letter: in the CJK ranges, a word character, not a digit (so not its punctuation).
_CJK_LETTER = re.compile(rf"(?=[{CJK_CLASS}])[^\W\d_]")
_LATIN_WORD = re.compile(rf"[^\W_{CJK_CLASS}]+(?:['\u2019.-][^\W_{CJK_CLASS}]+)*")


# Reading time ----------------------------------------------------------------


def count_words(text: str) -> tuple[int, int]:
    """(Chinese characters, other words) in ``text``: Chinese is read character by character."""
    cjk = len(_CJK_LETTER.findall(text))
    words = len(_LATIN_WORD.findall(_CJK.sub(" ", text)))
    return cjk, words


def reading_minutes(body_html: str) -> int:
    """Minutes to read a stored body: about 300 Chinese characters or 200 English words a minute, at least 1."""
    cjk, words = count_words(markup_text(body_html or ""))
    if not cjk and not words:
        return 0
    return max(1, math.ceil(cjk / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE))


# Lists in the page's language ----------------------------------------------------


@dataclass(frozen=True)
class LanguageChoice:
    """How many of a list's articles are written in the page's language, and whether the others are shown.

    ``other_languages``: the languages the other articles are written in, so the
    offer names only languages that have such articles.
    """

    language: str
    in_language: int
    others: int
    show_all: bool
    other_languages: tuple[str, ...] = ()

    @property
    def shown(self) -> int:
        return self.in_language + self.others if self.show_all else self.in_language

    @property
    def language_name(self) -> str:
        return str(dict(settings.LANGUAGES)[self.language])

    @property
    def other_names(self) -> str:
        """The other languages by name, joined as the page's language lists things ("英文、日文")."""
        names = dict(settings.LANGUAGES)
        return pgettext("list separator", ", ").join(str(names[code]) for code in self.other_languages)


def wants_all_languages(params) -> bool:
    return params.get(ALL_LANGUAGES_PARAM) == "1"


def count_by_language(articles, language: str, *, show_all: bool, cache_key: str = "") -> LanguageChoice:
    """Count, in one query, the articles that have text in ``language``, those that do not, and their languages.

    With ``cache_key`` (naming the list: its filters, not its page), the counts are
    kept for the current content version (``portal.query_cache``): the count reads
    every matching article, so a list's later requests skip it until content
    changes or a scheduled article comes out. ``articles`` may be a function that
    builds the queryset, called only when the counts are not kept.
    """
    build = articles if callable(articles) else lambda: articles
    if cache_key:
        key = f"language-counts:{language}:{cache_key}"
        counts = query_cache.remember(key, lambda: _language_counts(build(), language))
    else:
        counts = _language_counts(build(), language)
    in_language, others, written_in = counts
    return LanguageChoice(language, in_language, others, show_all, written_in)


def _language_counts(articles, language: str) -> tuple[int, int, tuple[str, ...]]:
    others = [code for code in languages.codes() if code != language]
    missing = missing_condition(language)
    counts = articles.order_by().aggregate(
        others=Count("id", filter=missing),
        total=Count("id"),
        **{f"in_{index}": Count("id", filter=missing & ~missing_condition(code)) for index, code in enumerate(others)},
    )
    written_in = tuple(code for index, code in enumerate(others) if counts[f"in_{index}"])
    return counts["total"] - counts["others"], counts["others"], written_in


def toggled_query(params, *, show_all: bool) -> str:
    """The query string of the same list with the other languages shown (or hidden), from its first page."""
    query = params.copy()
    query.pop("page", None)
    query.pop(ALL_LANGUAGES_PARAM, None)
    if show_all:
        query[ALL_LANGUAGES_PARAM] = "1"
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


class ListPaginator(Paginator):
    """Pages of a list whose deep pages first find their articles' ids, then load those articles.

    ``OFFSET 980`` over the full rows makes SQLite read every skipped article (its
    bodies included); over the ids alone it walks ``article_listing_idx`` and reads
    no article. The first page, which skips nothing, stays one query unless
    ``first_page_by_ids`` (search, whose order sorts every match: better ids than whole
    rows). ``load`` reads the page's articles by their ids (by default the list's own
    query narrowed to them). The list may also be the ids themselves, in order.
    ``rows(bottom, top, ids_only)``, when given, reads a page's rows (or their ids)
    instead of slicing the list.
    """

    def __init__(self, *args, load=None, rows=None, first_page_by_ids: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.load = load or (lambda ids: self.object_list.filter(pk__in=ids))
        self.rows = rows
        self.first_page_by_ids = first_page_by_ids

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom == 0 and not self.first_page_by_ids:
            rows = self.rows(bottom, top, False) if self.rows else self.object_list[bottom:top]
            return self._get_page(rows, number, self)
        if self.rows:
            ids = self.rows(bottom, top, True)
        else:
            ids = self.object_list[bottom:top]
            ids = ids if isinstance(ids, list) else ids.plain_ids()
        found = {article.pk: article for article in self.load(ids)}
        # An article unpublished between the two queries is left out, not shown.
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)
