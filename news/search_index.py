"""SQLite's full-text index of the search documents (FTS5), kept by triggers.

Without it, SQLite finds a word by reading documents until enough match:
every document for a rare word, and for a common one the bodies of the
newest few hundred, which was most of a search page's time. The index
answers from its own lists of terms instead.

The index (``news_searchindex``) is an FTS5 table whose content is
``news_searchdocument`` itself (an external-content table: nothing is stored
twice); its row id is the article's id. Triggers on the documents' table
keep it current on every insert, update and delete, however the document was
written (a save, a bulk write, a flush). It is created, with its triggers,
after every ``migrate`` when missing (and after a test database is built
without migrations), and filled from the documents then; ``rebuild()`` fills
it again from scratch (``manage.py rebuild_search_index``), ``check()``
compares it with the documents. Should the two ever differ (rows written
while the triggers were missing), the triggers' delete of a row the index
lacks fails with "database disk image is malformed": the command mends it.

Terms are the documents' own: the documents hold Chinese character pairs and
case-folded words separated by spaces, which the ``unicode61`` tokenizer
cuts where they were joined. The ``porter`` tokenizer then stems English
words in documents and queries alike, so "kernels" finds "kernel" and
"installed" finds "installing" (as PostgreSQL's English configuration
does), and a word is matched whole, not inside a longer one.

PostgreSQL has its own index (a ``tsvector`` column with a GIN index) and
none of this.
"""

from contextlib import contextmanager

from django.db import connection as default_connection

TABLE = "news_searchindex"
DOCUMENTS = "news_searchdocument"
TOKENIZER = "porter unicode61 remove_diacritics 0"
_COLUMNS = ("title", "summary", "body")


def _values(row: str) -> str:
    return ", ".join([f"{row}.article_id", *(f"{row}.{column}" for column in _COLUMNS)])


_COLUMN_LIST = ", ".join(["rowid", *_COLUMNS])
_INSERT = f"INSERT INTO {TABLE}({_COLUMN_LIST}) VALUES ({_values('new')});"
_DELETE = f"INSERT INTO {TABLE}({TABLE}, {_COLUMN_LIST}) VALUES ('delete', {_values('old')});"

TABLE_SQL = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(_COLUMNS)}, content='{DOCUMENTS}', "
    f"content_rowid='article_id', tokenize='{TOKENIZER}')"
)
TRIGGERS_SQL = {
    f"{TABLE}_insert": f"AFTER INSERT ON {DOCUMENTS} BEGIN {_INSERT} END",
    f"{TABLE}_delete": f"AFTER DELETE ON {DOCUMENTS} BEGIN {_DELETE} END",
    f"{TABLE}_update": f"AFTER UPDATE ON {DOCUMENTS} BEGIN {_DELETE} {_INSERT} END",
}


def available(connection=default_connection) -> bool:
    return connection.vendor == "sqlite"


def install(connection=default_connection) -> bool:
    """Create the index and its triggers where missing; a new index is filled from the documents.

    Returns whether the index was created. Does nothing on other databases.
    """
    if not available(connection):
        return False
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if DOCUMENTS not in tables:  # migrating to a state before the documents existed
            return False
        created = TABLE not in tables
        if created:
            cursor.execute(TABLE_SQL)
        for name, body in TRIGGERS_SQL.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        if created:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
    return created


def rebuild(connection=default_connection) -> None:
    """Fill the index again from every document."""
    with rebuilt_at_end(connection):
        pass


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
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
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
            f"INSERT INTO {TABLE}({_COLUMN_LIST}) SELECT {_values(DOCUMENTS)} FROM {DOCUMENTS} WHERE article_id > %s",
            [last],
        )
        cursor.execute(f"CREATE TRIGGER {name} {TRIGGERS_SQL[name]}")


def after_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    install(connections[using])
