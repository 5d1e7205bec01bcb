"""Seed the offer catalog (editable in Django admin afterwards)."""

from django.db import migrations


def seed(apps, schema_editor):
    from subscriptions.catalog import offers_seed

    offers_seed(apps.get_model("subscriptions", "Offer"))


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
