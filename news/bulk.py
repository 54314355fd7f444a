"""Writing many new rows at once: ``COPY`` on PostgreSQL, one prepared ``INSERT`` on SQLite, ``bulk_create``
elsewhere.

For bulk writers (``generate_news``) whose rows are complete model instances.
Django's ``bulk_create`` on PostgreSQL spends most of its time in the client,
turning every value into a typed array for ``UNNEST``; ``COPY`` streams the
same values, prepared by the same fields, several times faster.

On PostgreSQL the rows can be formatted (``prepare``) apart from being sent
(``send``): on another connection and in another thread, so that a writer may
make the next rows while the database stores the last ones.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

import psycopg
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg.copy import FileWriter

BATCH = 500


@dataclass(frozen=True)
class Rows:
    """New rows of one table in ``COPY``'s text format."""

    table: str
    columns: list[str]
    data: bytes
    binary: bool = False


def write(
    model: type[models.Model],
    objects: Sequence[models.Model],
    *,
    with_ids: bool = False,
    extra: dict[str, Sequence] | None = None,
    connection: BaseDatabaseWrapper | None = None,
) -> None:
    """Insert ``objects`` (new rows). ``with_ids``: their automatic primary keys are set on them.

    ``extra``: on PostgreSQL, columns the table has beyond the model's fields, with one value per object.
    ``connection``: the default database's (a writer in another thread passes the one it shares).
    """
    connection = connection or transaction.get_connection()
    if not objects:
        return
    if connection.vendor == "sqlite":
        insert_many(model, objects, with_ids=with_ids, connection=connection)
    elif connection.vendor == "postgresql":
        send(prepare(model, objects, with_ids=with_ids, extra=extra, connection=connection), connection)
    else:
        model.objects.bulk_create(objects, batch_size=BATCH)


def insert_many(
    model: type[models.Model], objects: Sequence[models.Model], *, connection: BaseDatabaseWrapper, with_ids: bool
) -> None:
    """Insert ``objects`` (SQLite) with one statement run for every row (``executemany``): ``bulk_create``
    spent most of ``generate_news``'s time on SQLite building its SQL, a placeholder per value.

    ``with_ids``: the automatic primary keys are numbered on from the highest the table has had (its
    ``AUTOINCREMENT`` sequence: a deleted row's key is not given again), and set on the objects. For a
    writer inside a transaction: a writer that numbered the same keys meanwhile makes one of them fail.
    """
    meta = model._meta
    automatic = meta.pk if isinstance(meta.pk, models.AutoField) else None
    quote = connection.ops.quote_name
    if automatic is not None and with_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT max(coalesce((SELECT max({quote(automatic.column)}) FROM {quote(meta.db_table)}), 0), "
                "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [meta.db_table],
            )
            (last,) = cursor.fetchone()
        for number, obj in enumerate(objects, last + 1):
            obj.pk = number
    fields = _fields(meta, automatic, with_ids)
    readers = [_reader(field, connection) for field in fields]
    columns = ", ".join(quote(field.column) for field in fields)
    statement = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        cursor.executemany(statement, [[read(obj) for read in readers] for obj in objects])
    for obj in objects:
        obj._state.adding, obj._state.db = False, connection.alias


def _fields(meta, automatic, with_ids: bool) -> list[models.Field]:
    return [field for field in meta.concrete_fields if not field.generated and (field is not automatic or with_ids)]


# Text fields whose value for the database is the text itself: read without their field's layers of calls.
_AS_IS = {models.CharField.get_prep_value, models.TextField.get_prep_value}


def _reader(field: models.Field, connection: BaseDatabaseWrapper):
    """How an object's value of ``field`` is read for an insert: as ``bulk_create`` reads it, ``pre_save`` then
    ``get_db_prep_save``; a text (or None) of a plain text field as it is, which is what those return."""
    kind = type(field)

    def read(obj):
        return field.get_db_prep_save(field.pre_save(obj, True), connection)

    plain = (
        kind.get_prep_value in _AS_IS
        and kind.get_db_prep_save is models.Field.get_db_prep_save
        and kind.get_db_prep_value is models.Field.get_db_prep_value
        and kind.pre_save is models.Field.pre_save
    )
    if not plain:
        return read
    attname = field.attname

    def read_text(obj):
        value = getattr(obj, attname)
        return value if value is None or value.__class__ is str else read(obj)

    return read_text


def prepare(
    model: type[models.Model],
    objects: Sequence[models.Model],
    *,
    connection: BaseDatabaseWrapper,
    with_ids: bool = False,
    extra: dict[str, Sequence] | None = None,
    types: Sequence[str] | None = None,
) -> Rows:
    """``objects`` as rows for ``send`` (PostgreSQL). ``connection``: any to the database, for its adapters and,
    ``with_ids``, the sequence of the automatic primary keys (set on the objects: ``send`` them in this order).

    ``types``: COPY's binary format, with these types (psycopg's names) for the columns, the model's then
    ``extra``'s; bytes given for a column of another type are sent as they are, in that type's binary form.
    """
    meta = model._meta
    automatic = meta.pk if isinstance(meta.pk, models.AutoField) else None
    connection.ensure_connection()
    if automatic is not None and with_ids and objects:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, automatic.column, len(objects)],
            )
            for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
                obj.pk = pk
    fields = _fields(meta, automatic, with_ids)
    readers = [_reader(field, connection) for field in fields]
    extra = extra or {}
    extra_values = list(zip(*extra.values(), strict=True)) if extra else [()] * len(objects)
    buffer = BytesIO()
    # Formatting only: nothing is sent on the connection, whose adapters turn the values into text.
    binary = types is not None
    with connection.connection.cursor() as raw, psycopg.Copy(raw, binary=binary, writer=FileWriter(buffer)) as copy:
        if binary:
            copy.set_types([*types])
        for obj, more in zip(objects, extra_values, strict=True):
            copy.write_row([read(obj) for read in readers] + list(more))
    for obj in objects:
        obj._state.adding, obj._state.db = False, connection.alias
    return Rows(meta.db_table, [field.column for field in fields] + list(extra), buffer.getvalue(), binary)


def send(rows: Rows, connection: BaseDatabaseWrapper) -> None:
    """Insert ``rows`` on ``connection`` (PostgreSQL), in its current transaction."""
    if not rows.data:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in rows.columns)
    statement = f"COPY {quote(rows.table)} ({columns}) FROM STDIN" + (" (FORMAT BINARY)" if rows.binary else "")
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        copy.write(rows.data)
