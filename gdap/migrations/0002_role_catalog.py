"""Load the role catalog (gdap/data/roles.json) into RoleDefinition."""

from django.db import migrations


def load(apps, schema_editor):  # noqa: ANN001, ANN201
    from gdap.catalog import roles_seed

    roles_seed(apps.get_model("gdap", "RoleDefinition"))


class Migration(migrations.Migration):
    dependencies = [("gdap", "0001_gdap_core")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
