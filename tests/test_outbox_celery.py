"""Integration: the outbox's send_after and dedupe key with a real Celery worker, Redis and PostgreSQL
(the worker fixtures of tests/test_integration_celery.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from partnercenter.models import OutboxEmail, OutboxStatus
from partnercenter.services import outbox_email_create_raw, outbox_sweep
from tests.celery_worker import wait_until
from tests.test_integration_celery import routed, worker  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _create(key: str | None, *, send_after=None, to: str = "anna@contoso.example") -> OutboxEmail:
    return outbox_email_create_raw(to_email=to, subject="Reminder", body="Body", language="en",
                                   kind="gdap_reminder", dedupe_key=key, send_after=send_after)


def _status(row: OutboxEmail) -> tuple[str, int]:
    return OutboxEmail.objects.values_list("status", "attempts").get(pk=row.pk)


def test_the_worker_sends_a_row_only_once_it_is_due_and_a_dedupe_key_once(routed):  # noqa: F811
    later = _create("gdap-expiry:1:7d", send_after=timezone.now() + timedelta(days=7))
    now = _create("gdap-expiry:1:30d")
    assert _create("gdap-expiry:1:30d").pk == now.pk
    wait_until(lambda: _status(now) == (OutboxStatus.SENT, 1), what="the due mail to be sent")
    # The worker runs one task at a time in queue order: the later row was never queued.
    assert _status(later) == (OutboxStatus.PENDING, 0)
    assert outbox_sweep(pending_older_than_seconds=0) == 0

    OutboxEmail.objects.filter(pk=later.pk).update(send_after=timezone.now() - timedelta(seconds=1))
    assert outbox_sweep() == 1
    wait_until(lambda: _status(later) == (OutboxStatus.SENT, 1), what="the now-due mail to be sent")
    assert outbox_sweep(pending_older_than_seconds=0) == 0
    assert OutboxEmail.objects.count() == 2
