
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('partnercenter', '0006_activity_kind_registry'),
        ('subscriptions', '0003_no_support_contact'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='LicenseAssignment',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('assigned_at', models.DateTimeField(auto_now_add=True, verbose_name='Assigned')),
                ('assigned_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('membership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='license_assignments', to='partnercenter.membership')),
                ('subscription', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='license_assignments', to='subscriptions.subscription')),
            ],
            options={
                'verbose_name': 'license assignment',
                'verbose_name_plural': 'license assignments',
                'ordering': ['id'],
                'constraints': [models.UniqueConstraint(fields=('subscription', 'membership'), name='license_assignment_unique')],
            },
        ),
    ]
