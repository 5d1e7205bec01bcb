"""The relationship keeps a copy of the customer's primary domain (beside its name) for the search of
the Customers list, with trigram indexes on both copies (PostgreSQL); the list indexes include it."""

from django.db import migrations, models


def copy_domains(apps, schema_editor):
    # One statement, valid on PostgreSQL and SQLite.
    schema_editor.execute(
        "UPDATE customers_resellerrelationship SET customer_domain = COALESCE(("
        "SELECT primary_domain FROM partnercenter_tenant WHERE partnercenter_tenant.id = "
        "customers_resellerrelationship.customer_id), '')"
    )


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in ("customer_name", "customer_domain"):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS reseller_rel_{column}_trgm_idx ON customers_resellerrelationship "
            f"USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in ("customer_name", "customer_domain"):
        schema_editor.execute(f"DROP INDEX IF EXISTS reseller_rel_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_covering_list_indexes"),
        ("partnercenter", "0002_regions_and_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="resellerrelationship",
            name="customer_domain",
            field=models.CharField(default="", max_length=253),
        ),
        migrations.RunPython(copy_domains, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
        # The list indexes carry the domain too, so that a search walking them never reads the table.
        migrations.RemoveIndex(model_name="resellerrelationship", name="reseller_rel_list_idx"),
        migrations.RemoveIndex(model_name="resellerrelationship", name="reseller_rel_name_idx"),
        migrations.AddIndex(
            model_name="resellerrelationship",
            index=models.Index(fields=["partner", "status", "-created_at", "-id"],
                               include=("customer", "customer_name", "customer_domain"), name="reseller_rel_list_idx"),
        ),
        migrations.AddIndex(
            model_name="resellerrelationship",
            index=models.Index(fields=["partner", "status", "customer_name", "id"],
                               include=("customer", "created_at", "customer_domain"), name="reseller_rel_name_idx"),
        ),
    ]
