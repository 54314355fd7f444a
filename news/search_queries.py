"""The SQL a search asks (``news.search.matching``): PostgreSQL's ``tsvector`` with its GIN index, or
SQLite's full-text index (``news.search_index``) with ranks from the documents' titles and summaries."""

from django.db import connection
from django.db.models import BooleanField, Case, FloatField, IntegerField, Q, Value, When
from django.db.models.expressions import Expression, RawSQL

from news import search_index
from news.models import Article, SearchDocument

PG_CONFIG = "english"


def postgres_search(articles, tsquery: str):
    vector = f'"{SearchDocument._meta.db_table}"."vector"'
    matches = RawSQL(f"{vector} @@ to_tsquery(%s::regconfig, %s)", [PG_CONFIG, tsquery], output_field=BooleanField())
    rank = RawSQL(f"ts_rank({vector}, to_tsquery(%s::regconfig, %s))", [PG_CONFIG, tsquery], FloatField())
    # Joins the document table (title is never NULL) without offering its primary key as an access path.
    return articles.filter(search_document__title__isnull=False).filter(matches).annotate(rank=rank)


_WEIGHTS = {"title": 4, "summary": 2, "body": 1}


def _ranked(needles: dict[int, str], loose: dict[int, str], prefix: str) -> tuple[Q, Expression]:
    """The condition the ``loose`` needles set, and the rank of every needle: for each, the weight of the
    first field that holds it (title 4, summary 2, body 1), summed. ``prefix`` leads to the document."""
    condition = Q()
    rank = Value(0)
    for index in sorted({*needles, *loose}):
        needle = needles.get(index, loose.get(index))
        whens = [When(Q(**{f"{prefix}{field}__contains": needle}), then=Value(w)) for field, w in _WEIGHTS.items()]
        if index in needles:
            # The index found the term in one of the three fields: not the title or summary means the body,
            # which is then not read at all.
            whens, default = whens[:2], Value(_WEIGHTS["body"])
        else:
            hit = Q()
            for field in _WEIGHTS:
                hit |= Q(**{f"{prefix}{field}__contains": needle})
            condition &= hit
            default = Value(0)
        rank = rank + Case(*whens, default=default, output_field=IntegerField())
    return condition, rank


def sqlite_search(articles, match: str | None, needles: dict[int, str], loose: dict[int, str], since=None, until=None):
    """``articles`` matching on SQLite, each with its rank (``_ranked``).

    ``match`` (an FTS5 query of every term it can express) is answered by the full-text index
    (``news.search_index``); ``needles`` are those terms as substrings, to find which field holds them.
    A term the index cannot find, a single Chinese character (the index holds pairs), is a ``loose``
    needle, matched as a substring of the documents.
    """
    condition, rank = _ranked(needles, loose, "search_document__")
    # Joins the document table (title is never NULL) for the ranks, without offering its primary key as
    # an access path.
    found = articles.filter(search_document__title__isnull=False).filter(condition).annotate(rank=rank)
    if match is None:
        return found.order_by("-publish_at", "-id")
    return through_index(found, match, since, until)


def published_through_index(match: str, needles: dict[int, str], loose: dict[int, str], now, until: int, before: int):
    """The documents of the articles published at ``now`` that the full-text index finds for ``match``,
    each with its rank (``_ranked``), newest first: from the index and the documents alone.

    The index holds the documents of published articles only, keyed by publication time: every key up to
    ``before`` (``key_floor(now) - 1``) is published by ``now``; those of ``now``'s own second, up to
    ``until`` (``key_bound(now)``), have their article's time compared with ``now``. No other article
    is read.
    """
    condition, rank = _ranked(needles, loose, "")
    table, documents = search_index.TABLE, f'"{SearchDocument._meta.db_table}"'
    article_id = f"({table}.rowid & {search_index.ID_MASK})"
    this_second = f"SELECT 1 FROM {search_index.ARTICLES} a WHERE a.id = {article_id} AND a.publish_at <= %s"
    where, params = _walk(match, until=until)
    return (
        SearchDocument.objects.filter(condition)
        .annotate(rank=rank)
        .extra(
            tables=[table],
            where=[
                *where,
                f"({table}.rowid <= %s OR EXISTS ({this_second}))",
                f"{documents}.article_id = {article_id}",
            ],
            params=[*params, before, connection.ops.adapt_datetimefield_value(now)],
            order_by=[f"-{table}.rowid"],
        )
    )


def _walk(match: str, since: int | None = None, until: int | None = None) -> tuple[list[str], list]:
    """The conditions (and their values) of a walk of the full-text index: the rows matching ``match``,
    with keys from ``since`` up to ``until`` when given."""
    table = search_index.TABLE
    where, params = [f"{table} MATCH %s"], [match]
    if since is not None:
        where.append(f"{table}.rowid >= %s")
        params.append(since)
    if until is not None:
        where.append(f"{table}.rowid <= %s")
        params.append(until)
    return where, params


def through_index(articles, match: str, since: int | None = None, until: int | None = None):
    """``articles`` that the full-text index finds for ``match``, newest first, in the index's own order.

    The index keys its rows by publication second then id (``search_index.key_sql``), so SQLite reads the
    matches newest first from the index (from ``until`` down to ``since``, keys, when given), finds each
    article by that second in the publication index, and stops at the query's limit: the same work for
    a common word at any size of the archive, and for a rare word no more than its matches. For that
    walk, ``articles`` should not bound the publication time by the index (``search_index.published``):
    SQLite uses one upper bound of a column for an index, and would walk from "now" for every match.
    """
    table, article = search_index.TABLE, f'"{Article._meta.db_table}"'
    second = search_index.key_second_sql(f"{table}.rowid")
    where, params = _walk(match, since, until)
    return articles.extra(
        tables=[table],
        where=[
            *where,
            # "+": the article is found by its publication second in the publication index (which holds
            # everything the filters read), not by its id in the table, whose rows hold the bodies.
            f"+{article}.id = ({table}.rowid & {search_index.ID_MASK})",
            f"{article}.publish_at >= datetime({second}, 'unixepoch')",
            f"{article}.publish_at < datetime({second} + 1, 'unixepoch')",
        ],
        params=params,
        order_by=[f"-{table}.rowid"],
    )
