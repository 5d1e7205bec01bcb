"""Webhook secrets encrypted at rest (partnercenter.secretbox): the columns become text, and the rows
written before are encrypted (the field reads a value without its prefix as it is and seals it on save)."""

from django.db import migrations

import partnercenter.secretbox


def seal_existing(apps, schema_editor):  # noqa: ANN001, ANN201
    Registration = apps.get_model("webhooks", "Registration")  # noqa: N806
    for registration in Registration.objects.using(schema_editor.connection.alias).iterator():
        registration.save(update_fields=["secret", "previous_secret"])


def unseal_existing(apps, schema_editor):  # noqa: ANN001, ANN201
    """Back to clear text (the field seals whatever it saves, so the rows are written by SQL)."""
    Registration = apps.get_model("webhooks", "Registration")  # noqa: N806
    connection = schema_editor.connection
    table = connection.ops.quote_name(Registration._meta.db_table)
    with connection.cursor() as cursor:
        for registration in Registration.objects.using(connection.alias).iterator():
            cursor.execute(f"UPDATE {table} SET secret = %s, previous_secret = %s WHERE id = %s",  # noqa: S608
                           [registration.secret, registration.previous_secret,
                            Registration._meta.pk.get_db_prep_value(registration.pk, connection)])


class Migration(migrations.Migration):

    dependencies = [
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="registration",
            name="previous_secret",
            field=partnercenter.secretbox.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="registration",
            name="secret",
            field=partnercenter.secretbox.EncryptedTextField(),
        ),
        migrations.RunPython(seal_existing, unseal_existing),
    ]
