"""On PostgreSQL, a trigram index for the directory's case-insensitive name search (listed ones only)."""

from django.db import migrations


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS listing_name_trgm_idx ON directory_listing "
        "USING gin (UPPER(published_name) gin_trgm_ops) WHERE published_listed"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS listing_name_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(trigram_index, drop_trigram_index)]
