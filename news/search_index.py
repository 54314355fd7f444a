"""SQLite's full-text index of the search documents (FTS5), kept by triggers.

Without it, SQLite finds a word by reading documents until enough match:
every document for a rare word, and for a common one the bodies of the
newest few hundred, which was most of a search page's time. The index
answers from its own lists of terms instead.

The index (``news_searchindex``) is an external-content FTS5 table: it stores
only its lists of terms, and reads the documents' text, when it needs it, from
a view of the documents of published articles (``news_searchindex_source``).
Its rows are keyed by their article's publication second and id (``key_sql``),
so SQLite reads a word's matches newest first and a search stops at its limit
(``news.search``); as it holds published articles only, a search without
filters needs no article at all: "published by now" is a bound on its keys.

Triggers keep it current on every insert, update and delete of a document,
however it was written (a save, a bulk write, a flush), when an article's
publication time changes (the row moves to its new key) or its status (the
row comes or goes), and when an article is deleted before its document. The
index, its view and its triggers are created after every ``migrate`` when
missing or written differently by an earlier version (and after a test
database is built without migrations) and the index filled from the
documents then;
before migrations run, the triggers and the view are dropped (``uninstall``),
since SQLite checks them when Django renames the copy of a table it alters,
and the index is filled again after. ``rebuilt_at_end()`` fills it again from
scratch (``manage.py rebuild_search_index``), ``check()`` compares it with
the documents. Should the two ever differ, the triggers' delete of a row the
index lacks fails with "database disk image is malformed": the command mends
it.

Terms are the documents' own: the documents hold Chinese character pairs and
case-folded words separated by spaces, which the ``unicode61`` tokenizer
cuts where they were joined. The ``porter`` tokenizer then stems English
words in documents and queries alike, so "kernels" finds "kernel" and
"installed" finds "installing" (as PostgreSQL's English configuration
does), and a word is matched whole, not inside a longer one.

PostgreSQL has its own index (a ``tsvector`` column with a GIN index) and
none of this.
"""

import math
from contextlib import contextmanager

from django.db import connection as default_connection

from news.content import Publishable

TABLE = "news_searchindex"
DOCUMENTS = "news_searchdocument"
ARTICLES = "news_article"
SOURCE = "news_searchindex_source"  # the documents with their keys, as the index reads them
TOKENIZER = "porter unicode61 remove_diacritics 0"
_COLUMNS = ("title", "summary", "body")
ID_BITS = 24
ID_MASK = (1 << ID_BITS) - 1
PUBLISHED = Publishable.Status.PUBLISHED.value  # the only articles the index holds


def key_sql(article: str) -> str:
    """The SQL of an article's key in the index: its publication second, then its id (below 2**24)."""
    return f"(CAST(strftime('%s', {article}.publish_at) AS INTEGER) * {1 << ID_BITS} + {article}.id)"


def key_second_sql(key: str) -> str:
    """The publication second (Unix time) held in a key, as SQL."""
    return f"(({key} - ({key} & {ID_MASK})) / {1 << ID_BITS})"


def key_bound(moment) -> int:
    """The highest key of an article published at ``moment`` or before (an aware datetime)."""
    return (math.floor(moment.timestamp()) << ID_BITS) | ID_MASK


def key_floor(moment) -> int:
    """The lowest key of an article published at ``moment`` or after."""
    return math.floor(moment.timestamp()) << ID_BITS


_COLUMN_LIST = ", ".join(["rowid", *_COLUMNS])


def _add(key: str, text: str, condition: str) -> str:
    """Index the document ``text`` (a row alias: new, old, d) under ``key``, joined as ``condition`` says."""
    return f"INSERT INTO {TABLE}({_COLUMN_LIST}) SELECT {key}, {_texts(text)} {condition};"


def _remove(key: str, text: str, condition: str) -> str:
    return f"INSERT INTO {TABLE}({TABLE}, {_COLUMN_LIST}) SELECT 'delete', {key}, {_texts(text)} {condition};"


def _texts(row: str) -> str:
    return ", ".join(f"{row}.{column}" for column in _COLUMNS)


def _of_article(row: str) -> str:
    """The published article of the document ``row``."""
    return f"FROM {ARTICLES} a WHERE a.id = {row}.article_id AND a.status = '{PUBLISHED}'"


def _of_document(row: str) -> str:
    """The document of the article ``row``, if that article is published."""
    return f"FROM {DOCUMENTS} d WHERE d.article_id = {row}.id AND {row}.status = '{PUBLISHED}'"


SOURCE_SQL = (
    f"CREATE VIEW {SOURCE} AS SELECT {key_sql('a')} AS key, {_texts('d')} "
    f"FROM {DOCUMENTS} d JOIN {ARTICLES} a ON a.id = d.article_id WHERE a.status = '{PUBLISHED}'"
)
TABLE_SQL = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(_COLUMNS)}, content='{SOURCE}', "
    f"content_rowid='key', tokenize='{TOKENIZER}')"
)
# Each document of a published article is indexed under its article's key; an article whose publication
# time changes is indexed again under its new key, one published or unpublished comes or goes. Whichever
# of an article and its document is deleted first takes the index's row with it (Django deletes the
# document first; a flush may not).
TRIGGERS_SQL = {
    f"{TABLE}_insert": (
        f"AFTER INSERT ON {DOCUMENTS} BEGIN "
        f"SELECT RAISE(ABORT, 'the search index holds articles whose id is below {1 << ID_BITS}') "
        f"WHERE new.article_id > {ID_MASK}; "
        f"{_add(key_sql('a'), 'new', _of_article('new'))} END"
    ),
    f"{TABLE}_delete": f"AFTER DELETE ON {DOCUMENTS} BEGIN {_remove(key_sql('a'), 'old', _of_article('old'))} END",
    f"{TABLE}_update": (
        f"AFTER UPDATE ON {DOCUMENTS} BEGIN {_remove(key_sql('a'), 'old', _of_article('old'))} "
        f"{_add(key_sql('a'), 'new', _of_article('new'))} END"
    ),
    f"{TABLE}_moved": (
        f"AFTER UPDATE OF publish_at, status ON {ARTICLES} "
        f"WHEN old.publish_at IS NOT new.publish_at OR old.status IS NOT new.status BEGIN "
        f"{_remove(key_sql('old'), 'd', _of_document('old'))} {_add(key_sql('new'), 'd', _of_document('new'))} END"
    ),
    f"{TABLE}_gone": f"BEFORE DELETE ON {ARTICLES} BEGIN {_remove(key_sql('old'), 'd', _of_document('old'))} END",
}


def available(connection=default_connection) -> bool:
    return connection.vendor == "sqlite"


def install(connection=default_connection) -> bool:
    """Create the index, its view of the documents and its triggers where missing or not written as here
    (by an earlier version); an index made here, or whose view was made again (dropped for migrations,
    ``uninstall``, or changed), is filled from the documents.

    Returns whether the index was created. Does nothing on other databases.
    """
    if not available(connection):
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'view', 'trigger')")
        written = dict(cursor.fetchall())
        if DOCUMENTS not in written or ARTICLES not in written:  # migrating to a state before them
            return False
        table_missing, view_made = TABLE not in written, written.get(SOURCE) != SOURCE_SQL
        if view_made:
            cursor.execute(f"DROP VIEW IF EXISTS {SOURCE}")
            cursor.execute(SOURCE_SQL)
        if table_missing:
            cursor.execute(TABLE_SQL)
        for name, body in TRIGGERS_SQL.items():
            if written.get(name) != f"CREATE TRIGGER {name} {body}":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"CREATE TRIGGER {name} {body}")
        if table_missing or view_made:
            _fill(cursor)
    return table_missing


def _fill(cursor) -> None:
    """Fill the index anew from the documents, as FTS5's ``rebuild`` does but in the order of the keys: FTS5
    writes the rows it is given to disk whenever a key is lower than the one before, and the documents'
    own order (by article) made so many small pieces to merge that it took twice the time."""
    cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('delete-all')")
    cursor.execute(f"INSERT INTO {TABLE}({_COLUMN_LIST}) SELECT key, {', '.join(_COLUMNS)} FROM {SOURCE} ORDER BY key")


def uninstall(connection=default_connection) -> None:
    """Drop the triggers and the view (the index itself stays, to be filled again by ``install``).

    Before migrations: SQLite checks every view and trigger when Django renames the copy of a table it
    alters to the table's name, and ours name the tables being copied.
    """
    if available(connection):
        with connection.cursor() as cursor:
            for name in TRIGGERS_SQL:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP VIEW IF EXISTS {SOURCE}")


@contextmanager
def rebuilt_at_end(connection=default_connection):
    """Documents may be written in any way inside this block; the index is filled from all of them at its end.

    For mending an index that differs from the documents (``check``): while it does, the triggers' delete
    of a row the index lacks fails ("database disk image is malformed"), so they are dropped until the
    end. Inside a transaction, which nothing else writes to meanwhile.
    """
    if not available(connection):
        yield
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS_SQL:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    yield
    with connection.cursor() as cursor:
        _fill(cursor)
        for name, body in TRIGGERS_SQL.items():
            cursor.execute(f"CREATE TRIGGER {name} {body}")


def check(connection=default_connection) -> None:
    """Raise ``django.db.DatabaseError`` unless the index holds exactly the documents' terms."""
    if available(connection):
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('integrity-check', 1)")


@contextmanager
def indexed_at_end(connection=default_connection):
    """Documents inserted inside this block are indexed at its end, together (a bulk writer's new rows).

    Indexing them in one statement takes SQLite about two thirds of the time the insert trigger takes
    row by row. Only for blocks that insert documents (with new, higher article ids) and change no
    other, inside a transaction: until the end, the new rows are not in the index.
    """
    if not available(connection):
        yield
        return
    name = f"{TABLE}_insert"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(article_id), 0) FROM {DOCUMENTS}")
        (last,) = cursor.fetchone()
        cursor.execute(f"DROP TRIGGER {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE}({_COLUMN_LIST}) SELECT {key_sql('a').replace('%', '%%')}, {_texts('d')} "
            f"FROM {DOCUMENTS} d JOIN {ARTICLES} a ON a.id = d.article_id "
            f"WHERE d.article_id > %s AND a.status = '{PUBLISHED}' ORDER BY 1",  # see _fill
            [last],
        )
        cursor.execute(f"CREATE TRIGGER {name} {TRIGGERS_SQL[name]}")


def before_migrate(sender, using="default", plan=None, **kwargs) -> None:
    from django.db import connections

    if plan:  # migrations to apply (or unapply)
        uninstall(connections[using])


def after_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    install(connections[using])
