"""On PostgreSQL, the search vector kept by a trigger instead of a generated column, with the same value.

A row written without a vector, and every update, gets ``news_search_vector(title,
summary, body)``, the expression of the generated column before. A bulk writer
that knows a row's vector already may write it in the same ``COPY`` (parsing the
text is most of the cost of writing a document; see ``news.search_vectors``).
"""

from django.db import migrations

VECTOR_BY_TRIGGER = """
CREATE FUNCTION news_search_vector(title text, summary text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, summary), 'B')
        || setweight(to_tsvector('english'::regconfig, body), 'C')
$$;
CREATE FUNCTION news_searchdocument_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR NEW.vector IS NULL THEN
        NEW.vector := news_search_vector(NEW.title, NEW.summary, NEW.body);
    END IF;
    RETURN NEW;
END
$$;
ALTER TABLE news_searchdocument ALTER COLUMN vector DROP EXPRESSION;
CREATE TRIGGER news_searchdocument_vector BEFORE INSERT OR UPDATE ON news_searchdocument
    FOR EACH ROW EXECUTE FUNCTION news_searchdocument_vector();
"""

GENERATED_VECTOR = """
DROP TRIGGER news_searchdocument_vector ON news_searchdocument;
DROP FUNCTION news_searchdocument_vector();
DROP FUNCTION news_search_vector(text, text, text);
ALTER TABLE news_searchdocument DROP COLUMN vector;
ALTER TABLE news_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, title), 'A')
    || setweight(to_tsvector('english'::regconfig, summary), 'B')
    || setweight(to_tsvector('english'::regconfig, body), 'C')
) STORED;
CREATE INDEX news_searchdocument_vector_gin ON news_searchdocument USING GIN (vector) WITH (fastupdate = off);
"""


def vector_by_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VECTOR_BY_TRIGGER)


def generated_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GENERATED_VECTOR)


class Migration(migrations.Migration):
    dependencies = [("news", "0008_publication_index_covers_list_conditions")]

    operations = [migrations.RunPython(vector_by_trigger, generated_vector)]
