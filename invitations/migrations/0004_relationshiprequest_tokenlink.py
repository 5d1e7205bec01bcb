"""Relationship requests move onto links.TokenLink: customer_email becomes email, accepted_at and
declined_at become answered_at (the status says which), and revoked_by / answered_by are new.
Existing rows keep their data."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def declined_into_answered(apps, schema_editor):
    RelationshipRequest = apps.get_model("invitations", "RelationshipRequest")
    RelationshipRequest.objects.filter(declined_at__isnull=False, answered_at__isnull=True).update(
        answered_at=models.F("declined_at")
    )


def answered_into_declined(apps, schema_editor):
    RelationshipRequest = apps.get_model("invitations", "RelationshipRequest")
    RelationshipRequest.objects.filter(status="declined").update(declined_at=models.F("answered_at"), answered_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("invitations", "0003_relationshiprequest_reissued_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="relationshiprequest", name="request_one_pending_per_email"),
        migrations.RemoveConstraint(model_name="relationshiprequest", name="request_addressed_single_use"),
        migrations.RenameField(model_name="relationshiprequest", old_name="customer_email", new_name="email"),
        migrations.RenameField(model_name="relationshiprequest", old_name="accepted_at", new_name="answered_at"),
        migrations.RunPython(declined_into_answered, answered_into_declined),
        migrations.RemoveField(model_name="relationshiprequest", name="declined_at"),
        migrations.AddField(
            model_name="relationshiprequest",
            name="answered_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name="relationshiprequest",
            name="revoked_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name="relationshiprequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "pending"), models.Q(("email", ""), _negated=True)),
                fields=("partner", "email"), name="request_one_pending_per_email",
            ),
        ),
        migrations.AddConstraint(
            model_name="relationshiprequest",
            constraint=models.CheckConstraint(
                condition=models.Q(("email", ""), ("reusable", False), _connector="OR"),
                name="request_addressed_single_use",
            ),
        ),
    ]
