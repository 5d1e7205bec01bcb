"""Partnership requests move onto links.TokenLink: sent_by, revoked_at/by, answered_by and
updated_at are new; a revoked request's time moves from answered_at to revoked_at."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def revoked_time_apart(apps, schema_editor):
    PartnershipRequest = apps.get_model("resellers", "PartnershipRequest")
    PartnershipRequest.objects.filter(status="revoked").update(revoked_at=models.F("answered_at"), answered_at=None)


def revoked_time_back(apps, schema_editor):
    PartnershipRequest = apps.get_model("resellers", "PartnershipRequest")
    PartnershipRequest.objects.filter(status="revoked").update(answered_at=models.F("revoked_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("resellers", "0002_partnershiprequest_reissued_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="partnershiprequest",
            name="sent_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name="partnershiprequest",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="partnershiprequest",
            name="revoked_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name="partnershiprequest",
            name="answered_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name="partnershiprequest",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.RunPython(revoked_time_apart, revoked_time_back),
    ]
