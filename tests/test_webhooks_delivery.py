"""Events into the outbox in the change's transaction, and their delivery: signed POST to a local
receiver, backoff, 24 h then dead, disabling after a day of failures with a mail, redeliver, ordering
per resource, no redirects, the DNS re-check at delivery and the connection pinned to the checked IP."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from customers.models import Service
from customers.services import dap_grant
from partnercenter.events import event_record
from partnercenter.models import ActivityLog, OutboxEmail
from partnercenter.roles import Role
from tests.factories import PartnerFactory, TenantFactory, member
from tests.webhooks_support import PUBLIC_IP, dns, hook_receiver, loopback  # noqa: F401  (fixtures)
from webhooks import delivery, services
from webhooks.delivery import backoff, due_events, event_deliver
from webhooks.models import DeliveryAttempt, Event, EventStatus, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


def _register(partner, url, events=("dap-admin-relationship-approved", "test-created")):  # noqa: ANN001, ANN202
    registration, secret = services.registration_create(partner=partner, actor=member(partner, Role.GLOBAL_ADMIN),
                                                        url=url, events=list(events))
    return registration, secret


def test_an_event_row_is_written_in_the_same_transaction_and_none_when_it_rolls_back(partner, loopback):  # noqa: F811
    registration, _secret = _register(partner, "http://127.0.0.1:9/hook")
    customer = TenantFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        dap_grant(partner=partner, customer=customer, services=[Service.PRODUCTIVITY], reassign=False, actor=None)
        assert Event.objects.filter(registration=registration).count() == 1  # written inside the change
        raise RuntimeError("the change fails after the event")
    assert Event.objects.count() == 0 and not ActivityLog.objects.filter(kind="dap.granted").exists()
    dap_grant(partner=partner, customer=customer, services=[Service.PRODUCTIVITY], reassign=False, actor=None)
    event = Event.objects.get()
    assert event.name == "dap-admin-relationship-approved" and event.status == EventStatus.PENDING
    assert event.payload["ResourceName"] == "DelegatedAdminPermission"
    assert event.payload["ResourceUri"].endswith(f"/v1/customers/{customer.pk}")
    assert set(event.payload) == {"EventName", "ResourceUri", "ResourceName", "AuditUri", "ResourceChangeUtcDate"}
    assert event.payload["ResourceChangeUtcDate"].endswith("Z")


def test_only_the_partners_entry_makes_events_and_only_for_registrations_that_want_them(partner, loopback):  # noqa: F811
    wants, _s = _register(partner, "http://127.0.0.1:9/a")
    other, _s = _register(partner, "http://127.0.0.1:9/b", events=["subscription-updated"])
    disabled, _s = _register(partner, "http://127.0.0.1:9/c")
    services.registration_disable(registration=disabled, actor=None)
    stranger, _s = _register(PartnerFactory(), "http://127.0.0.1:9/d")
    dap_grant(partner=partner, customer=TenantFactory(), services=[Service.PRODUCTIVITY], reassign=False, actor=None)
    assert list(Event.objects.values_list("registration", flat=True)) == [wants.pk]
    assert not Event.objects.filter(registration__in=[other, disabled, stranger]).exists()


def test_an_access_assignment_created_is_two_events_created_then_activated(partner, loopback):  # noqa: F811
    registration, _s = _register(partner, "http://127.0.0.1:9/a", events=[
        "granular-admin-access-assignment-created", "granular-admin-access-assignment-activated"])
    data = {"partner_id": str(partner.pk), "relationship_id": "r1", "assignment_id": "a1", "name": "x",
            "group": "g", "partner": partner.name, "customer": ""}
    event_record(tenant=partner, kind="gdap.assignment_created", data=data)
    names = list(Event.objects.order_by("id").values_list("name", "resource_key"))
    assert names == [("granular-admin-access-assignment-created", "gdap-assignment:a1"),
                     ("granular-admin-access-assignment-activated", "gdap-assignment:a1")]
    assert registration.webhook_events.count() == 2


def test_a_delivery_is_a_signed_post_the_receiver_verifies(partner, loopback, hook_receiver):  # noqa: F811
    registration, secret = _register(partner, hook_receiver.url())
    event = services.test_event_send(registration=registration, actor=None)
    assert event_deliver(event_id=event.pk) == "delivered"
    (got,) = hook_receiver.received
    assert got.path == "/hook" and got.headers["content-type"] == "application/json"
    assert got.headers["webhook-id"] == event.webhook_id
    payload = Webhook(secret).verify(got.body, got.headers)
    assert payload["EventName"] == "test-created" and str(event.uuid) in payload["ResourceUri"]
    event.refresh_from_db()
    registration.refresh_from_db()
    assert event.status == EventStatus.DELIVERED and event.attempts == 1
    attempt = DeliveryAttempt.objects.get(event=event)
    assert (attempt.status_code, attempt.ok, attempt.response_excerpt) == (200, True, "ok")
    assert registration.last_ok and registration.last_status_code == 200
    assert event_deliver(event_id=event.pk) == "done"  # a second message for it sends nothing
    assert len(hook_receiver.received) == 1


def test_failures_back_off_then_the_event_is_dead_after_24_hours(partner, loopback, hook_receiver):  # noqa: F811
    assert [backoff(n).total_seconds() for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1800, 1800]
    hook_receiver.default = (500, "x" * 5000, {})
    registration, _s = _register(partner, hook_receiver.url())
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        event = services.test_event_send(registration=registration, actor=None)
        assert event_deliver(event_id=event.pk) == "failed"
        event.refresh_from_db()
        assert event.status == EventStatus.FAILED and event.next_attempt_at == start + timedelta(seconds=30)
        assert event_deliver(event_id=event.pk) == "not-due"
        assert due_events() == []
        clock.shift(timedelta(seconds=31))
        assert due_events() == [event.pk]
        assert event_deliver(event_id=event.pk) == "failed"
        event.refresh_from_db()
        assert event.next_attempt_at - timezone.now() == timedelta(seconds=60)
        excerpt = DeliveryAttempt.objects.filter(event=event).first().response_excerpt
        assert len(excerpt) == 1024
        # Keep failing until 24 h after the event: then it is given up (and the registration disabled).
        results = []
        while event.status == EventStatus.FAILED:
            clock.move_to(event.next_attempt_at)
            results.append(event_deliver(event_id=event.pk))
            event.refresh_from_db()
        assert results[-1] == "dead" and event.status == EventStatus.DEAD
        assert timezone.now() <= event.deadline_at == event.created_at + timedelta(hours=24)
    assert event.attempts == DeliveryAttempt.objects.filter(event=event).count() > 40


def test_a_day_of_failures_disables_the_registration_and_mails_its_global_admins(  # noqa: F811
        partner, loopback, hook_receiver, settings):  # noqa: F811
    hook_receiver.default = (503, "down", {})
    admin_de = member(partner, Role.GLOBAL_ADMIN, language="de")
    member(partner, Role.ADMIN_AGENT)
    registration, _s = _register(partner, hook_receiver.url())
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        first = services.test_event_send(registration=registration, actor=None)
        event_deliver(event_id=first.pk)
        registration.refresh_from_db()
        assert registration.failing_since == start
        clock.shift(timedelta(hours=23, minutes=59))
        later = services.test_event_send(registration=registration, actor=None)
        event_deliver(event_id=later.pk)
        registration.refresh_from_db()
        assert registration.is_active and not OutboxEmail.objects.filter(kind="webhook_disabled").exists()
        clock.shift(timedelta(minutes=1))
        third = services.test_event_send(registration=registration, actor=None)
        event_deliver(event_id=third.pk)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DISABLED and registration.disabled_reason == "failing"
    mails = OutboxEmail.objects.filter(kind="webhook_disabled")
    admins = set(partner.memberships.filter(role=Role.GLOBAL_ADMIN).values_list("user__email", flat=True))
    assert set(mails.values_list("to_email", flat=True)) == admins and len(admins) == 2
    german = mails.get(to_email=admin_de.email)
    assert german.language == "de" and registration.url in german.body
    assert ActivityLog.objects.filter(kind="webhook.auto_disabled", tenant=partner).count() == 1
    # Disabled: nothing more is sent, the open events wait; enabling forgets the failures.
    sent = len(hook_receiver.received)
    assert event_deliver(event_id=first.pk) == "paused" and len(hook_receiver.received) == sent
    services.registration_enable(registration=registration, actor=None)
    registration.refresh_from_db()
    assert registration.is_active and registration.failing_since is None


def test_a_success_resets_the_failing_clock(partner, loopback, hook_receiver):  # noqa: F811
    hook_receiver.answers = [(500, "no", {}), (204, "", {})]
    registration, _s = _register(partner, hook_receiver.url())
    event_deliver(event_id=services.test_event_send(registration=registration, actor=None).pk)
    registration.refresh_from_db()
    assert registration.failing_since is not None
    event_deliver(event_id=services.test_event_send(registration=registration, actor=None).pk)
    registration.refresh_from_db()
    assert registration.failing_since is None and registration.last_status_code == 204


def test_redeliver_sends_the_same_event_id_again(partner, loopback, hook_receiver):  # noqa: F811
    registration, secret = _register(partner, hook_receiver.url())
    event = services.test_event_send(registration=registration, actor=None)
    event_deliver(event_id=event.pk)
    services.event_redeliver(event=event, actor=None)
    event.refresh_from_db()
    assert event.status == EventStatus.PENDING
    assert event_deliver(event_id=event.pk) == "delivered"
    first, second = hook_receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == event.webhook_id
    assert Webhook(secret).verify(second.body, second.headers)["EventName"] == "test-created"
    assert list(DeliveryAttempt.objects.filter(event=event).order_by("number").values_list("number", flat=True)) == [1, 2]


def test_a_redirect_is_not_followed_and_counts_as_a_failure(partner, loopback, hook_receiver):  # noqa: F811
    hook_receiver.answers = [(302, "", {"Location": hook_receiver.url("/elsewhere")})]
    registration, _s = _register(partner, hook_receiver.url())
    event = services.test_event_send(registration=registration, actor=None)
    assert event_deliver(event_id=event.pk) == "failed"
    assert [r.path for r in hook_receiver.received] == ["/hook"]
    attempt = DeliveryAttempt.objects.get(event=event)
    assert attempt.status_code == 302 and not attempt.ok and "not followed" in attempt.error


def test_dns_is_checked_again_at_delivery_and_the_checked_address_is_the_one_connected(  # noqa: F811
        partner, loopback, hook_receiver, dns):  # noqa: F811
    dns["hooks.partner.test"] = ["127.0.0.1"]
    registration, secret = _register(partner, hook_receiver.url(host="hooks.partner.test"))
    event = services.test_event_send(registration=registration, actor=None)
    # The name resolves only through the checked resolver: the POST went to the address it approved.
    assert event_deliver(event_id=event.pk) == "delivered"
    assert hook_receiver.received[0].headers["host"] == f"hooks.partner.test:{hook_receiver.port}"
    # Now the name points into the private network: refused before any connection.
    dns["hooks.partner.test"] = [PUBLIC_IP, "10.0.0.8"]
    second = services.test_event_send(registration=registration, actor=None)
    assert event_deliver(event_id=second.pk) == "failed"
    attempt = DeliveryAttempt.objects.get(event=second)
    assert attempt.status_code is None and attempt.error.startswith("refused")
    assert len(hook_receiver.received) == 1


def test_events_of_one_resource_go_out_in_order(partner, loopback, hook_receiver):  # noqa: F811
    hook_receiver.answers = [(500, "", {})]
    registration, _s = _register(partner, hook_receiver.url(), events=["subscription-updated", "test-created"])
    data = {"partner_id": str(partner.pk), "customer_id": "c1", "subscription_id": "s1"}
    event_record(tenant=partner, kind="subscription.quantity", data=data)
    event_record(tenant=partner, kind="subscription.suspended", data=data)
    event_record(tenant=partner, kind="subscription.quantity", data={**data, "subscription_id": "s2"})
    first, second, other = Event.objects.order_by("id")
    assert event_deliver(event_id=first.pk) == "failed"
    assert event_deliver(event_id=second.pk) == "waiting"  # s1's first event is still open
    assert event_deliver(event_id=other.pk) == "delivered"  # another resource does not wait
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        assert second.pk not in due_events() and first.pk in due_events()
        assert event_deliver(event_id=first.pk) == "delivered"
        assert event_deliver(event_id=second.pk) == "delivered"
    bodies = [json.loads(r.body) for r in hook_receiver.received]
    assert [b["ResourceUri"].rsplit("/", 1)[1] for b in bodies] == ["s1", "s2", "s1", "s1"]


def test_the_sweep_requeues_what_a_lost_message_left_and_a_worker_lost_mid_send(partner, loopback, monkeypatch):  # noqa: F811
    registration, _s = _register(partner, "http://127.0.0.1:9/hook")
    event = services.test_event_send(registration=registration, actor=None)
    assert due_events() == []  # just written: its own message is on the way
    queued = []
    monkeypatch.setattr("webhooks.tasks.deliver_task.apply_async", lambda args, **kw: queued.append(args[0]))
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        assert delivery.sweep() == 1 and queued == [event.pk]
        Event.objects.filter(pk=event.pk).update(attempts=1, locked_until=timezone.now() + timedelta(seconds=60))
        assert due_events() == []  # claimed by a worker
    with time_machine.travel(timezone.now() + timedelta(seconds=120)):
        assert due_events() == [event.pk]  # the claim ran out: the worker was lost, send again


def test_deleting_a_registration_while_its_event_is_in_flight_sends_nothing_more(partner, loopback):  # noqa: F811
    registration, _s = _register(partner, "http://127.0.0.1:9/hook")
    event = services.test_event_send(registration=registration, actor=None)
    services.registration_delete(registration=registration, actor=None)
    assert event_deliver(event_id=event.pk) == "done"
    assert not Registration.objects.exists()


def test_beat_runs_the_sweep_and_the_retry_wait_stays_below_the_visibility_timeout(settings):
    from webhooks.tasks import sweep_task

    assert settings.CELERY_BEAT_SCHEDULE["webhooks-sweep"]["task"] == sweep_task.name
    assert backoff(100) < timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])
