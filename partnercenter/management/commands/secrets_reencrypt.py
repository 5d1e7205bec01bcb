"""`manage.py secrets_reencrypt`: every encrypted secret (partnercenter.secretbox.EncryptedTextField)
rewritten under the current SECRET_KEY, after a rotation that moved the old key to SECRET_KEY_FALLBACKS;
then the old key can leave the fallbacks."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from partnercenter.secretbox import EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypt the stored secrets (webhook signing keys) under the current SECRET_KEY."

    def handle(self, *args: object, **options: object) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            with transaction.atomic():
                for row in model._default_manager.select_for_update().iterator():
                    row.save(update_fields=fields)
                    total += 1
        self.stdout.write(f"{total} row(s) re-encrypted under the current SECRET_KEY.")
