"""How ``generate_news`` writes its batches: in bulk, and on PostgreSQL with ``COPY`` from a second thread.

The batches come from ``news.generating``; here they become rows of articles,
their tags and their search documents (vectors computed by ``news.search_vectors``
on PostgreSQL), with what a large write needs around it: the search index built
once at the end, lz4 for long texts, ANALYZE afterwards.
"""

import queue
import threading
from contextlib import contextmanager

from django.db import connections, transaction

from news import bulk, search, search_index, search_vectors
from news.models import Article, SearchDocument, TaggedArticle
from tags.models import Tag
from translations import languages

ZH, EN = languages.of_text("中文"), languages.of_text("English")
# The search documents' columns in a binary COPY: article, title, summary, body, then the vector, made here in
# PostgreSQL's binary form (news.search_vectors) and sent as it is.
DOCUMENT_TYPES = ["int8", "text", "text", "text", "bytea"]


@contextmanager
def compressed_fast():
    """On PostgreSQL with lz4, the long texts written inside compressed with it: twice as fast as the default,
    pglz, which took half of the database's work storing an article (the values read back are the same)."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('default_toast_compression'), 'lz4' = ANY(enumvals) "
            "FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        previous, available = cursor.fetchone()
        if available:
            cursor.execute("SET LOCAL default_toast_compression = lz4")
    yield
    if available:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('default_toast_compression', %s, true)", [previous])


class Writer:
    """Writes batches of articles with their tags and search documents.

    On PostgreSQL the batches are made ready to ``COPY`` here, on a connection
    of their own (the search vectors' terms, the primary keys, the formatting),
    and a second thread sends them on the generator's connection, in its
    transaction: the database stores one batch on the machine's second core
    while the next is made. Only that thread uses the generator's connection
    until it is done.
    """

    def __init__(self, connection, *, check_every: int):
        self.connection = connection
        self.check_every = check_every  # one document in so many has its vector checked at the end
        self.preparing = None  # the second connection, on PostgreSQL
        self.vectors: search_vectors.Vectors | None = None
        self.checked: list[int] = []  # documents whose vectors the database computes again at the end

    @contextmanager
    def in_background(self):
        """``write(articles, tag_choices)`` for each batch; on PostgreSQL, sent by a second thread."""
        if self.connection.vendor != "postgresql":
            yield self.write_here
            return
        self.preparing = connections.create_connection(self.connection.alias)
        try:
            with self.preparing.cursor() as cursor:
                self.vectors = search_vectors.Vectors(cursor)
                with self._thread() as submit:
                    yield lambda articles, tag_choices: submit(self.prepare(articles, tag_choices))
        finally:
            self.preparing.close()

    @contextmanager
    def _thread(self):
        batches: queue.Queue = queue.Queue(maxsize=2)
        failures: list[BaseException] = []

        def run() -> None:
            while (batch := batches.get()) is not None:
                if failures:
                    continue  # the rest are dropped: the transaction is rolled back
                try:
                    for rows in batch:
                        bulk.send(rows, self.connection)
                except BaseException as error:  # raised again in the generator's thread
                    failures.append(error)

        def submit(batch) -> None:
            if failures:
                raise failures[0]
            batches.put(batch)

        self.connection.inc_thread_sharing()
        thread = threading.Thread(target=run, name="generate_news writer", daemon=True)
        thread.start()
        try:
            yield submit
        finally:
            batches.put(None)
            thread.join()
            self.connection.dec_thread_sharing()
        if failures:
            raise failures[0]

    def write_here(self, articles: list[tuple[Article, list[str]]], tag_choices: list[list[Tag]]) -> None:
        bulk.write(Article, [article for article, _terms in articles], with_ids=True)
        bulk.write(TaggedArticle, tagged_rows(articles, tag_choices))
        bulk.write(SearchDocument, search_documents(articles, tag_choices))

    def prepare(self, articles: list[tuple[Article, list[str]]], tag_choices: list[list[Tag]]) -> list[bulk.Rows]:
        """The batch's rows (PostgreSQL): articles, their tags, their search documents with vectors."""
        preparing, vectors = self.preparing, self.vectors
        rows = [bulk.prepare(Article, [article for article, _terms in articles], with_ids=True, connection=preparing)]
        rows.append(bulk.prepare(TaggedArticle, tagged_rows(articles, tag_choices), connection=preparing))
        documents = search_documents(articles, tag_choices)
        pieces = [body_terms for _article, body_terms in articles]
        vectors.learn([text for document in documents for text in (document.title, document.summary)])
        vectors.learn([text for body in pieces for text in body])
        column = [vectors.vector(d.title, d.summary, body) for d, body in zip(documents, pieces, strict=True)]
        rows.append(
            bulk.prepare(
                SearchDocument, documents, extra={"vector": column}, types=DOCUMENT_TYPES, connection=preparing
            )
        )
        self.checked += [document.article_id for document in documents[:: self.check_every]]
        return rows

    def check_vectors(self) -> None:
        """Some documents' vectors, as the database computes them: a vector computed here that differs is a bug."""
        if self.vectors is None:
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT article_id FROM {SearchDocument._meta.db_table} WHERE article_id = ANY(%s) "
                "AND vector IS DISTINCT FROM news_search_vector(title, summary, body)",
                [self.checked],
            )
            wrong = [pk for (pk,) in cursor.fetchall()]
        if wrong:
            raise RuntimeError(f"the search vectors of articles {wrong[:10]} differ from those PostgreSQL computes")


def analyse(count: int, *, from_count: int) -> None:
    """After a large write, the planner's statistics of the tables it filled (a fresh PostgreSQL database has
    none until autovacuum gets to it, and plans the public pages as if the tables were empty)."""
    if count < from_count:
        return
    tables = [model._meta.db_table for model in (Article, TaggedArticle, SearchDocument)]
    with transaction.get_connection().cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


@contextmanager
def search_index_rebuilt(count: int, *, from_count: int):
    """The search index built at the end of a write larger than the table, rather than row by row.

    On SQLite the full-text index takes the new documents at the end (``search_index.indexed_at_end``);
    on PostgreSQL the search vectors' GIN index is dropped, and made again after.

    Building a GIN index once over all rows is many times faster than adding thousands
    of rows to it one by one. Inside the generator's transaction: nobody sees the table
    without it.
    """
    connection = transaction.get_connection()
    if count < max(SearchDocument.objects.count(), from_count):
        yield
        return
    if connection.vendor != "postgresql":
        with search_index.indexed_at_end(connection):
            yield
        return
    with connection.cursor() as cursor:
        table = SearchDocument._meta.db_table
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                       [table, "% USING gin %"])  # fmt: skip
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the rows' foreign keys checked before the index is built
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def tagged_rows(articles: list[tuple[Article, list[str]]], tag_choices: list[list[Tag]]) -> list[TaggedArticle]:
    return [
        TaggedArticle(content_object_id=article.pk, tag_id=tag.pk)
        for (article, _terms), chosen in zip(articles, tag_choices, strict=True)
        for tag in chosen
    ]


def search_documents(articles: list[tuple[Article, list[str]]], tag_choices: list[list[Tag]]) -> list[SearchDocument]:
    return [
        search_document(article, body_terms, chosen)
        for (article, body_terms), chosen in zip(articles, tag_choices, strict=True)
    ]


def search_document(article: Article, body_terms: list[str], tags: list[Tag]) -> SearchDocument:
    """What ``search.document_fields`` makes, with the body's terms known in advance (in pieces)."""

    def texts(name: str) -> list[str]:
        return [getattr(article, languages.field(name, code)) for code in (ZH, EN)]

    labels = [tag.name for tag in tags] + [
        getattr(tag, languages.field("label", code)) or "" for tag in tags for code in (ZH, EN)
    ]
    return SearchDocument(
        article_id=article.pk,
        title=search.document_text(" \n".join(texts("title"))),
        summary=search.document_text(" \n".join(texts("summary") + labels)),
        body=" ".join(body_terms),
    )
