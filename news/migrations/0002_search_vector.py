"""On PostgreSQL, a weighted tsvector kept by the database itself from the search document, and its GIN index."""

from django.db import migrations

POSTGRES_VECTOR = """
ALTER TABLE news_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, title), 'A')
    || setweight(to_tsvector('english'::regconfig, summary), 'B')
    || setweight(to_tsvector('english'::regconfig, body), 'C')
) STORED;
CREATE INDEX news_searchdocument_vector_gin ON news_searchdocument USING GIN (vector) WITH (fastupdate = off);
"""


def add_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_VECTOR)


def drop_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE news_searchdocument DROP COLUMN vector")


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]

    operations = [migrations.RunPython(add_vector, drop_vector)]
