"""Full-text search over published articles, in Chinese and English.

Chinese has no spaces between words, so text is indexed as overlapping character pairs
(``开源社区`` → ``开源 源社 社区``) and a query is cut the same way: a query of two or more
Chinese characters finds the articles that contain them. Latin words are case-folded.

Each article's text in both languages is kept in a ``SearchDocument``, cut
into those terms, whenever the article or its tags change; the queries on it
(PostgreSQL's GIN index, SQLite's full-text index) are in ``search_queries``.
"""

import functools
import html
import re
import threading
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

import snowballstemmer
from django.db import connection
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from news import markdown_html, search_queries
from news.cjk import CJK_CLASS, is_cjk
from news.models import Article, SearchDocument, TaggedArticle
from tags.models import Tag
from translations import languages

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
MAX_TERMS = 10
# How many of the newest matches a search ranks (news.search.search).
MAX_CANDIDATES = 200
SNIPPET_LENGTH = 180

_WORD = re.compile(r"[^\W_]+")


_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")


def _runs(word: str):
    """A word split into runs of Chinese and of other characters."""
    if not _CJK_RUN.search(word):
        yield word, False
        return
    start = 0
    for match in _CJK_RUN.finditer(word):
        if match.start() > start:
            yield word[start : match.start()], False
        yield match.group(), True
        start = match.end()
    if start < len(word):
        yield word[start:], False


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def tokenize(text: str) -> list[str]:
    """Index terms: case-folded Latin words and Chinese character pairs, in text order."""
    terms = []
    for match in _WORD.finditer(_normalize(text)):
        for run, chinese in _runs(match.group()):
            if chinese and len(run) > 1:
                terms.extend(run[i : i + 2] for i in range(len(run) - 1))
            else:
                terms.append(run)
    return terms


def document_text(text: str) -> str:
    return " ".join(tokenize(text))


@dataclass(frozen=True)
class Query:
    """A visitor's query, cut into terms; ``error`` says why it cannot be run."""

    text: str
    terms: tuple[str, ...]  # Chinese runs and Latin words as typed (case-folded)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def parse(raw: str | None) -> Query:
    """Check and cut a query; bad queries get a message, never an exception."""
    text = " ".join((raw or "").split())
    if not text:
        return Query(text, (), _("Type a word or two to search for."))
    if len(text) > MAX_QUERY_LENGTH:
        return Query(
            text[:MAX_QUERY_LENGTH],
            (),
            _("That query is too long: use at most %(max)d characters.") % {"max": MAX_QUERY_LENGTH},
        )
    terms = []
    for match in _WORD.finditer(_normalize(text)):
        for run, _chinese in _runs(match.group()):
            if run not in terms:
                terms.append(run)
    if sum(len(term) for term in terms) < MIN_QUERY_LENGTH:
        return Query(text, (), _("Type at least %(min)d letters or Chinese characters.") % {"min": MIN_QUERY_LENGTH})
    if len(terms) > MAX_TERMS:
        return Query(text, (), _("Use at most %(max)d words.") % {"max": MAX_TERMS})
    return Query(text, tuple(terms))


# Keeping the documents current --------------------------------------------


def document_fields(article: Article, tags) -> dict[str, str]:
    """The three weighted texts of an article, every language visitors may read, cut into terms.

    A translation still in progress is left out until it is ready.
    """
    shown = article.languages

    def texts(field):
        return [getattr(article, languages.field(field, code), "") or "" for code in shown]

    body = [html.unescape(strip_tags(value)) for value in texts("body_html")]
    labels = [tag.name for tag in tags] + [
        getattr(tag, languages.field("label", code), "") or "" for tag in tags for code in languages.codes()
    ]
    return {
        "title": document_text(" \n".join(texts("title"))),
        "summary": document_text(" \n".join(texts("summary") + labels)),
        "body": document_text(" \n".join(body)),
    }


def update_document(article: Article) -> SearchDocument:
    """Write the article's search document (the PostgreSQL vector follows by itself)."""
    fields = document_fields(article, list(article.tags.all()))
    document, _created = SearchDocument.objects.update_or_create(article=article, defaults=fields)
    return document


def rebuild(*, articles=None, batch_size: int = 500) -> int:
    """Write the documents of all (or the given) articles in bulk; returns how many."""
    articles = (articles if articles is not None else Article.objects.all()).prefetch_related("tags")
    count = 0
    rows = articles.iterator(chunk_size=batch_size)
    while batch := list(islice(rows, batch_size)):
        documents = [SearchDocument(article=a, **document_fields(a, list(a.tags.all()))) for a in batch]
        existing = set(
            SearchDocument.objects.filter(article__in=[a.pk for a in batch]).values_list("article_id", flat=True)
        )
        SearchDocument.objects.bulk_update(
            [d for d in documents if d.article_id in existing], ["title", "summary", "body"]
        )
        SearchDocument.objects.bulk_create([d for d in documents if d.article_id not in existing])
        count += len(batch)
    return count


_deferred = threading.local()


@contextmanager
def deferred_updates():
    """Within this block, saves note which documents are stale; they are written once, in bulk, at its end.

    For bulk writers such as the importer, where an article is saved and then
    tagged, and thousands follow.
    """
    if getattr(_deferred, "pks", None) is not None:
        yield
        return
    _deferred.pks = set()
    try:
        yield
    finally:
        pks, _deferred.pks = _deferred.pks, None
        if pks:
            rebuild(articles=Article.objects.filter(pk__in=pks))


def write_deferred() -> None:
    """Write the documents noted stale so far inside ``deferred_updates``, now.

    A bulk writer calls it at the end of each batch, inside the batch's
    transaction: a batch commits with its articles' documents, so an import
    killed later leaves no article without one.
    """
    pks = getattr(_deferred, "pks", None)
    if pks:
        _deferred.pks = set()
        rebuild(articles=Article.objects.filter(pk__in=pks))


def _update_or_defer(article: Article) -> None:
    pks = getattr(_deferred, "pks", None)
    if pks is None:
        update_document(article)
    else:
        pks.add(article.pk)


def article_saved(article: Article, created: bool, languages_written: frozenset[str]) -> None:
    """The save hook (``news.saving``): the article's search document follows its text."""
    _update_or_defer(article)


@receiver(m2m_changed, sender=TaggedArticle, dispatch_uid="news.search.tags_changed")
def _tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # tag.tagged_articles changed: instance is a Tag
        rebuild(articles=Article.objects.filter(pk__in=pk_set or ()))
    else:
        _update_or_defer(instance)


@receiver(post_save, sender=Tag, dispatch_uid="news.search.tag_saved")
def _tag_saved(sender, instance, created, raw=False, **kwargs):
    if not (raw or created):
        rebuild(articles=Article.objects.filter(tags=instance))


@receiver(pre_delete, sender=Tag, dispatch_uid="news.search.tag_deleting")
def _tag_deleting(sender, instance, **kwargs):
    # Its links to articles are deleted by cascade, which sends no m2m signal.
    instance._tagged_article_ids = list(Article.objects.filter(tags=instance).values_list("pk", flat=True))


@receiver(post_delete, sender=Tag, dispatch_uid="news.search.tag_deleted")
def _tag_deleted(sender, instance, **kwargs):
    rebuild(articles=Article.objects.filter(pk__in=getattr(instance, "_tagged_article_ids", [])))


# Querying ------------------------------------------------------------------


def _tsquery(query: Query) -> str:
    """A to_tsquery() expression; terms hold only letters and digits, so nothing needs quoting."""
    parts = []
    for term in query.terms:
        pieces = tokenize(term)
        parts.append(f"({' <-> '.join(pieces)})" if len(pieces) > 1 else pieces[0])
    return " & ".join(parts)


_english = snowballstemmer.stemmer("english")


def _needle(term: str) -> str:
    """What a term must match in a stored document on SQLite.

    Chinese runs become their character pairs; an English word is cut to its
    Snowball stem, so "kernels" finds "kernel" and "releases" finds "released",
    the way PostgreSQL's English configuration does.
    """
    if any(is_cjk(ch) for ch in term):
        return document_text(term)
    stem = _english.stemWord(term)
    # A stem may end in letters the word has not ("community" → "communiti"): keep what they share.
    shared = term[: next((i for i, (a, b) in enumerate(zip(term, stem, strict=False)) if a != b), len(stem))]
    return shared if len(shared) >= min(3, len(term)) else term


def search(articles, query: Query):
    """``articles`` that match every term of ``query``, best first, among the newest ``MAX_CANDIDATES`` that match."""
    return ranked(candidates(articles, query), query)


def candidates(articles, query: Query) -> list[int]:
    """The primary keys of the newest ``MAX_CANDIDATES`` of ``articles`` that match ``query``, best first
    (one query).

    The matches are read newest first (SQLite's full-text index, or on PostgreSQL
    the publication index, or the GIN index for a rare word) and the reading
    stops at ``MAX_CANDIDATES``. A query matching more articles than that (a very
    common word) ranks only its newest matches, so its cost does not grow with
    the archive; older matches are reached with a narrower query or the filters.
    The same query computes each match's rank; they are ordered by it here, equal
    ranks newest first, as ``ranked`` orders them.
    """
    if not query.ok:
        return []
    found = _matching(articles, query)[:MAX_CANDIDATES]
    return [pk for pk, _rank in sorted(found.plain_rows("pk", "rank"), key=lambda row: -row[1])]


def ranked(pks: list[int], query: Query):
    """The articles ``pks`` (which match ``query``), best first."""
    if not pks:
        return Article.objects.none()
    # Read by primary key: the filters of the list they came from were applied by ``candidates``.
    found = _matching(Article.objects.filter(pk__in=pks), query)
    return found.order_by(F("rank").desc(), "-publish_at", "-id")


def _matching(articles, query: Query):
    return matching(articles, **matching_values(query))


def _indexed(term: str) -> bool:
    """Whether SQLite's full-text index can find ``term``: all but a lone Chinese character."""
    return not (len(term) == 1 and is_cjk(term))


def matching_values(query: Query) -> dict[str, str]:
    """What ``matching`` asks for ``query`` on this database.

    On PostgreSQL, a tsquery. On SQLite, an FTS5 ``match`` of the terms the full-text index can find (each
    a quoted phrase: its words or character pairs, in order), and one needle per term: ``needle_N`` for
    those, ``loose_N`` for the others.
    """
    if connection.vendor == "postgresql":
        return {"tsquery": _tsquery(query)}
    values = {}
    phrases = [f'"{document_text(term)}"' for term in query.terms if _indexed(term)]
    if phrases:
        values["match"] = " ".join(phrases)
    for index, term in enumerate(query.terms):
        values[f"{'needle' if _indexed(term) else 'loose'}_{index}"] = _needle(term)
    return values


def matching(
    articles,
    *,
    tsquery: str | None = None,
    match: str | None = None,
    index_since: int | None = None,
    index_until: int | None = None,
    **needles: str,
):
    """``articles`` that match (``matching_values``), each with its ``rank``, newest first (on SQLite, to the
    second: articles published in the same second come by id)."""
    if tsquery is not None:
        return search_queries.postgres_search(articles, tsquery).order_by("-publish_at", "-id")
    needle, loose = _needles(needles)
    return search_queries.sqlite_search(articles, match, needle, loose, index_since, index_until)


def matching_published(now, *, match: str, index_until: int, index_before: int, **needles: str):
    """The search documents of the articles published at ``now`` that match on SQLite's full-text index
    (``matching_values`` with a ``match``), each with its ``rank``, newest first: a search without filters,
    answered without reading the articles (``search_queries.published_through_index``)."""
    needle, loose = _needles(needles)
    return search_queries.published_through_index(match, needle, loose, now, index_until, index_before)


def _needles(values: dict[str, str]) -> tuple[dict[int, str], dict[int, str]]:
    by_kind = {"needle": {}, "loose": {}}
    for name, needle in values.items():
        kind, _sep, index = name.partition("_")
        by_kind[kind][int(index)] = needle
    return by_kind["needle"], by_kind["loose"]


# Showing results -----------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _pattern(query: Query) -> re.Pattern | None:
    alternatives = []
    for term in sorted(query.terms, key=len, reverse=True):
        if any(is_cjk(ch) for ch in term):
            alternatives.append(re.escape(term))
        else:
            # A word's stem and whatever follows it: "installs" marks "installation". The stem comes first
            # and the check that no letter precedes it after, so that the regex engine looks for the stem's
            # letters instead of testing that check at every position (four times faster).
            stem = re.escape(term if len(term) <= 4 else term[: max(4, len(term) - 3)])
            alternatives.append(rf"{stem}(?<![^\W_]{stem})[^\W_]*")
    return re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None


def highlight(text: str, query: Query) -> str:
    """``text`` escaped, with the query's terms in ``<mark>``."""
    pattern = _pattern(query)
    if not pattern:
        return html.escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [html.escape(text[last : match.start()]), f"<mark>{html.escape(match.group())}</mark>"]
        last = match.end()
    out.append(html.escape(text[last:]))
    return mark_safe("".join(out))


def snippet(text: str, query: Query, *, length: int = SNIPPET_LENGTH) -> str:
    """About ``length`` characters of ``text`` around its first match, highlighted."""
    text = " ".join(text.split())
    pattern = _pattern(query)
    match = pattern.search(text) if pattern else None
    return _cut(text, _start(match, length), query, length)


def _start(match: re.Match | None, length: int) -> int:
    return 0 if match is None else max(0, match.start() - length // 3)


def _cut(text: str, start: int, query: Query, length: int) -> str:
    piece = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return mark_safe(f"{prefix}{highlight(piece, query)}{suffix}")


def _source_text(text) -> str:
    """A text's summary and body as plain text, block by block (a heading never runs on)."""
    summary, body = " ".join(text.summary.split()), text.body_text
    return f"{summary}{markdown_html.BLOCK_SEPARATOR}{body}" if summary and body else summary or body


def best_snippet(article: Article, query: Query, language: str) -> tuple[str, str]:
    """A snippet from the text the query matched: the visitor's language first, else another.

    Returns the highlighted snippet and the language its text is written in, cut from the plain
    text each body is stored with (no HTML is converted here).
    """
    shown = article.translation(language)
    texts = [shown] + [article.translation(code) for code in languages.codes() if code != shown.language]
    pattern = _pattern(query)
    for text in texts:
        if not text.title:
            continue
        plain = _source_text(text)
        match = pattern.search(plain) if pattern else None
        if match is not None:
            return _cut(plain, _start(match, SNIPPET_LENGTH), query, SNIPPET_LENGTH), text.language
    # No match in a titled text: its start. (A shown text without a title of its own was not read above.)
    return snippet(_source_text(shown), query), shown.language
