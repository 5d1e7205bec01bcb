"""Integration: a webhook delivered end to end by a real Celery worker process (Redis broker, PostgreSQL),
queued after the commit of the change, signed, and logged (the worker fixtures of
tests/test_integration_celery.py)."""

from __future__ import annotations

import os

import pytest
from standardwebhooks.webhooks import Webhook

from partnercenter.roles import Role
from tests.celery_worker import wait_until
from tests.factories import member
from tests.test_integration_celery import routed, worker  # noqa: F401  (fixtures)
from tests.webhooks_support import hook_receiver, loopback  # noqa: F401  (fixtures)
from webhooks import services
from webhooks.models import DeliveryAttempt, Event, EventStatus

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module", autouse=True)
def _worker_allows_loopback():  # noqa: ANN202
    """Before the module's worker starts: it reads its settings from this environment."""
    before = os.environ.get("WEBHOOKS_ALLOW_LOOPBACK")
    os.environ["WEBHOOKS_ALLOW_LOOPBACK"] = "true"
    yield
    if before is None:
        os.environ.pop("WEBHOOKS_ALLOW_LOOPBACK", None)
    else:
        os.environ["WEBHOOKS_ALLOW_LOOPBACK"] = before


def test_the_worker_delivers_a_signed_event_after_commit(routed, partner, loopback, hook_receiver):  # noqa: F811
    admin = member(partner, Role.GLOBAL_ADMIN)
    registration, secret = services.registration_create(partner=partner, actor=admin, url=hook_receiver.url(),
                                                        events=["test-created"])
    event = services.test_event_send(registration=registration, actor=admin)
    wait_until(lambda: hook_receiver.received, what="the worker to POST the event",
               details=routed.log_tail)
    got = hook_receiver.received[0]
    assert Webhook(secret).verify(got.body, got.headers)["EventName"] == "test-created"
    assert got.headers["webhook-id"] == event.webhook_id
    wait_until(lambda: Event.objects.get(pk=event.pk).status == EventStatus.DELIVERED, what="the event delivered",
               details=routed.log_tail)
    attempt = DeliveryAttempt.objects.get(event=event)
    assert attempt.status_code == 200 and attempt.ok and len(hook_receiver.received) == 1
