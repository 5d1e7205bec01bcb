"""Seed the region table (editable later in Django admin) and, on PostgreSQL, trigram indexes
for the case-insensitive substring search of the Customers list."""

from django.db import migrations

def seed_regions(apps, schema_editor):
    from partnercenter.regions import regions_seed

    regions_seed(apps.get_model("partnercenter", "Region"), apps.get_model("partnercenter", "CountryRegion"))


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS tenant_name_trgm_idx ON partnercenter_tenant "
        "USING gin (UPPER(name) gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS tenant_domain_trgm_idx ON partnercenter_tenant "
        "USING gin (UPPER(primary_domain) gin_trgm_ops)"
    )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS tenant_name_trgm_idx")
    schema_editor.execute("DROP INDEX IF EXISTS tenant_domain_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("partnercenter", "0001_initial")]

    operations = [
        migrations.RunPython(seed_regions, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
