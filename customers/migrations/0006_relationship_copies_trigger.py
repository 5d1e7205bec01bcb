"""The relationship's copies of its customer's name and primary domain follow the tenant in the database.

The Customers list sorts, searches and now shows these copies, without joining the tenants. A trigger
keeps them in step with every change of a tenant's name or primary domain, whatever makes it: Django
admin, a queryset update, a shell, SQL. It also mends copies that had drifted before it existed."""

from django.db import migrations

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION customers_relationship_copies() RETURNS trigger AS $$
    BEGIN
        UPDATE customers_resellerrelationship
           SET customer_name = NEW.name, customer_domain = NEW.primary_domain
         WHERE customer_id = NEW.id
           AND (customer_name IS DISTINCT FROM NEW.name OR customer_domain IS DISTINCT FROM NEW.primary_domain);
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER customers_relationship_copies
    AFTER UPDATE OF name, primary_domain ON partnercenter_tenant
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.primary_domain IS DISTINCT FROM NEW.primary_domain)
    EXECUTE FUNCTION customers_relationship_copies()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS customers_relationship_copies ON partnercenter_tenant",
    "DROP FUNCTION IF EXISTS customers_relationship_copies()",
]
SQLITE = [
    """
    CREATE TRIGGER customers_relationship_copies
    AFTER UPDATE OF name, primary_domain ON partnercenter_tenant
    FOR EACH ROW WHEN OLD.name IS NOT NEW.name OR OLD.primary_domain IS NOT NEW.primary_domain
    BEGIN
        UPDATE customers_resellerrelationship
           SET customer_name = NEW.name, customer_domain = NEW.primary_domain
         WHERE customer_id = NEW.id;
    END
    """,
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS customers_relationship_copies"]
MEND = """
    UPDATE customers_resellerrelationship
       SET customer_name = (SELECT t.name FROM partnercenter_tenant t WHERE t.id = customer_id),
           customer_domain = (SELECT t.primary_domain FROM partnercenter_tenant t WHERE t.id = customer_id)
     WHERE EXISTS (SELECT 1 FROM partnercenter_tenant t WHERE t.id = customer_id
                   AND (t.name <> customer_name OR t.primary_domain <> customer_domain))
"""


def _run(statements: dict[str, list[str]]):  # noqa: ANN202
    def run(apps, schema_editor) -> None:  # noqa: ANN001
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0005_relationship_role"),
        ("partnercenter", "0006_activity_kind_registry"),
    ]

    operations = [
        migrations.RunPython(_run({"postgresql": [*POSTGRESQL, MEND], "sqlite": [*SQLITE, MEND]}),
                             _run({"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}), elidable=False),
    ]
