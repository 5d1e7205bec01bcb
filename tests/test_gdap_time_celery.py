"""Integration: the GDAP sweep task (gdap.tasks.time_sweep, what beat queues hourly) on real Celery
workers, Redis and PostgreSQL — two workers on the queue and two sweep messages at once, then a third
run: every transition and every mail once, each mail sent once by a worker (status sent, one attempt).
Which worker takes which message is the broker's choice; the truly parallel case, threads released
together, is tests/test_gdap_time_concurrency.py.

The workers run on real time, so the relationships are put at the right distance from their end by
moving end_at. Waits are bounded polling loops, never timing assertions (see test_integration_celery)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from gdap import services
from gdap.events import GdapEvents
from gdap.models import AUTO_EXTEND_DURATION, AdminRelationship, RelationshipStatus
from gdap.tasks import time_sweep_task
from partnercenter.models import ActivityLog, OutboxEmail, OutboxStatus
from partnercenter.roles import Role
from tests.celery_worker import wait_until
from tests.factories import member
from tests.gdap_time_support import pending
from tests.test_integration_celery import routed, wait_quiet, worker, workers  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _drained(process) -> bool:  # noqa: ANN001
    """Nothing queued and nothing unacknowledged (acks_late: a message is acked when its task is done)."""
    process.check_alive()
    client = redis.Redis.from_url(process.broker_url)
    try:
        return client.llen(process.queue) == 0 and client.hlen("unacked") == 0
    finally:
        client.close()


def _active(partner, admin, customer, approver, name, **kwargs):  # noqa: ANN001, ANN003, ANN202
    rel, raw = pending(partner, admin, customer, name=name, at=timezone.now(), **kwargs)
    services.approval_submit(raw_token=raw, user=approver, customer=customer)  # the worker approves it
    wait_until(lambda: AdminRelationship.objects.get(pk=rel.pk).status == RelationshipStatus.ACTIVE,
               what=f"the worker to approve {name}")
    return rel


def test_the_sweep_task_on_two_workers_then_again_changes_and_mails_once(routed, workers, partner,  # noqa: F811
                                                                          partner_admin, customer):
    customer_admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN, language="de")
    near = _active(partner, partner_admin, customer, customer_admin, "Ends in five days")
    over = _active(partner, partner_admin, customer, customer_admin, "Ended a minute ago")
    extending = _active(partner, partner_admin, customer, customer_admin, "Extends", auto_extend="P180D")
    now = timezone.now()
    AdminRelationship.objects.filter(pk=near.pk).update(end_at=now + timedelta(days=5))
    AdminRelationship.objects.filter(pk__in=[over.pk, extending.pk]).update(end_at=now - timedelta(minutes=1))
    wait_quiet(routed)
    second = workers(broker_url=routed.broker_url, queue=routed.queue).wait_ready()

    time_sweep_task.apply_async()
    time_sweep_task.apply_async()
    wait_until(lambda: AdminRelationship.objects.get(pk=over.pk).status == RelationshipStatus.EXPIRED,
               what="a worker to run the sweep")
    wait_until(lambda: _drained(routed) and _drained(second), what="both sweep messages to be processed")
    wait_quiet(routed)
    time_sweep_task.apply_async()  # the next hour's run
    wait_until(lambda: _drained(routed), what="the third sweep to be processed")
    wait_quiet(routed)

    statuses = dict(AdminRelationship.objects.values_list("display_name", "status"))
    assert statuses == {"Ends in five days": "expiring", "Ended a minute ago": "expired", "Extends": "active"}
    extending.refresh_from_db()
    assert extending.end_at == now - timedelta(minutes=1) + AUTO_EXTEND_DURATION
    assert Counter(ActivityLog.objects.filter(kind__in=[GdapEvents.EXPIRING, GdapEvents.EXPIRED,
                                                        GdapEvents.EXTENDED]).values_list("kind", flat=True)) == {
        GdapEvents.EXPIRING: 2, GdapEvents.EXPIRED: 2, GdapEvents.EXTENDED: 2}  # partner's and customer's log

    sweep_mails = OutboxEmail.objects.filter(kind__in=["gdap_reminder", "gdap_expired"])
    assert Counter(sweep_mails.values_list("kind", "to_email")) == {
        ("gdap_reminder", partner_admin.email): 1, ("gdap_reminder", customer_admin.email): 1,
        ("gdap_expired", partner_admin.email): 1, ("gdap_expired", customer_admin.email): 1}
    assert {key.split(":")[3] for key in sweep_mails.filter(kind="gdap_reminder").values_list("dedupe_key",
                                                                                               flat=True)} == {"remind7"}
    assert {(row.status, row.attempts) for row in sweep_mails} == {(OutboxStatus.SENT, 1)}
    assert sweep_mails.get(kind="gdap_expired", to_email=customer_admin.email).language == "de"
    assert OutboxEmail.objects.filter(kind="gdap_approved").count() == 3 * 2  # one per approval and person
