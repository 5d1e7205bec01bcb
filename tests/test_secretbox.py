"""Webhook signing keys encrypted at rest (partnercenter.secretbox): the column holds a Fernet token,
Python sees the key, deliveries still verify, a SECRET_KEY rotation through SECRET_KEY_FALLBACKS keeps
them readable and `secrets_reencrypt` moves them to the new key; rows written in clear before are
sealed by the migration."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from standardwebhooks.webhooks import Webhook

from partnercenter.roles import Role
from partnercenter.secretbox import PREFIX, reveal, seal
from tests.factories import member
from tests.webhooks_support import PUBLIC_IP, dns, hook_receiver, loopback  # noqa: F401  (fixtures)
from webhooks import services
from webhooks.delivery import event_deliver
from webhooks.models import Registration

pytestmark = pytest.mark.django_db
OLD_KEY, NEW_KEY = "old-secret-key-" + "x" * 40, "new-secret-key-" + "y" * 40


def _stored(registration: Registration) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret, previous_secret FROM webhooks_registration WHERE id = %s", [registration.pk])
        return cursor.fetchone()


def _register(partner, url: str = "https://hooks.example.com/in") -> tuple[Registration, str]:  # noqa: ANN001
    return services.registration_create(partner=partner, actor=member(partner, Role.GLOBAL_ADMIN), url=url,
                                        events=["test-created"])


def test_seal_and_reveal() -> None:
    sealed = seal("whsec_abc")
    assert sealed.startswith(PREFIX) and "whsec_abc" not in sealed
    assert sealed != seal("whsec_abc")  # randomised
    assert reveal(sealed) == "whsec_abc"
    assert seal("") == "" and seal(None) is None and reveal("") == ""
    assert reveal("whsec_written_before") == "whsec_written_before"  # a row from before the field


def test_the_column_holds_a_token_and_the_delivery_still_verifies(partner, loopback, hook_receiver):  # noqa: F811
    registration, secret = _register(partner, hook_receiver.url())
    stored, previous = _stored(registration)
    assert stored.startswith(PREFIX) and secret not in stored and previous == ""
    assert Registration.objects.get(pk=registration.pk).secret == secret
    assert Registration.objects.filter(pk=registration.pk).values_list("secret", flat=True).get() == secret
    rotated, new_secret = services.registration_rotate(registration=registration, actor=member(partner, Role.GLOBAL_ADMIN))
    stored, previous = _stored(rotated)
    assert secret not in previous and new_secret not in stored and previous.startswith(PREFIX)
    assert Registration.objects.get(pk=registration.pk).signing_secrets() == [new_secret, secret]

    event = services.test_event_send(registration=Registration.objects.get(pk=registration.pk), actor=None)
    assert event_deliver(event_id=event.pk) == "delivered"
    (got,) = hook_receiver.received
    assert Webhook(new_secret).verify(got.body, got.headers)["EventName"] == "test-created"
    assert Webhook(secret).verify(got.body, got.headers)  # the old key signs too during the overlap


def test_a_secret_key_rotation_keeps_them_readable_and_reencrypt_moves_them(partner, dns, settings, capsys):  # noqa: F811
    dns["hooks.example.com"] = [PUBLIC_IP]
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    registration, secret = _register(partner)
    sealed_under_old = _stored(registration)[0]

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert Registration.objects.get(pk=registration.pk).secret == secret
    call_command("secrets_reencrypt")
    assert "re-encrypted" in capsys.readouterr().out
    assert _stored(registration)[0] != sealed_under_old

    settings.SECRET_KEY_FALLBACKS = []  # the old key gone: what was re-encrypted still reads
    assert Registration.objects.get(pk=registration.pk).secret == secret
    with connection.cursor() as cursor:  # a token under a key that is gone says so
        cursor.execute("UPDATE webhooks_registration SET secret = %s WHERE id = %s", [sealed_under_old, registration.pk])
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FALLBACKS"):
        Registration.objects.get(pk=registration.pk)


def test_the_migration_seals_rows_written_in_clear_and_can_go_back(partner, dns) -> None:  # noqa: F811
    dns["hooks.example.com"] = [PUBLIC_IP]
    from importlib import import_module

    migration = import_module("webhooks.migrations.0002_secrets_encrypted")
    registration, secret = _register(partner)
    with connection.cursor() as cursor:  # as a row of before the migration holds it
        cursor.execute("UPDATE webhooks_registration SET secret = %s WHERE id = %s", [secret, registration.pk])
    assert Registration.objects.get(pk=registration.pk).secret == secret  # read as it is
    editor = SimpleNamespace(connection=connection)
    migration.seal_existing(apps, editor)
    assert _stored(registration)[0].startswith(PREFIX)
    assert Registration.objects.get(pk=registration.pk).secret == secret
    migration.unseal_existing(apps, editor)
    assert _stored(registration) == (secret, "")
