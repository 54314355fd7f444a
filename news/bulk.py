"""Writing many new rows at once: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

For bulk writers (``generate_news``) whose rows are complete model instances.
Django's ``bulk_create`` on PostgreSQL spends most of its time in the client,
turning every value into a typed array for ``UNNEST``; ``COPY`` streams the
same values, prepared by the same fields, several times faster.
"""

from collections.abc import Sequence

from django.db import models, transaction

BATCH = 500


def write(
    model: type[models.Model],
    objects: Sequence[models.Model],
    *,
    with_ids: bool = False,
    extra: dict[str, Sequence] | None = None,
) -> None:
    """Insert ``objects`` (new rows). ``with_ids``: their automatic primary keys are set on them.

    ``extra``: on PostgreSQL, columns the table has beyond the model's fields, with one value per object.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or not objects:
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    meta = model._meta
    automatic = meta.pk if isinstance(meta.pk, models.AutoField) else None
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if automatic is not None and with_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, automatic.column, len(objects)],
            )
            for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
                obj.pk = pk
        fields = [
            field for field in meta.concrete_fields if not field.generated and (field is not automatic or with_ids)
        ]
        extra = extra or {}
        columns = ", ".join([quote(field.column) for field in fields] + [quote(column) for column in extra])
        extra_values = list(zip(*extra.values(), strict=True)) if extra else [()] * len(objects)
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj, more in zip(objects, extra_values, strict=True):
                copy.write_row(
                    [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields] + list(more)
                )
    for obj in objects:
        obj._state.adding, obj._state.db = False, connection.alias
