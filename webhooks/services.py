"""Writes of webhook registrations (page and API), test events and redeliveries. Keyword-only, one
transaction each, typed errors; the URL is checked against webhooks.rules before anything is saved."""

from __future__ import annotations

import base64
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiApp
from partnercenter.dispatch import enqueue_on_commit
from partnercenter.errors import Conflict, Forbidden, Invalid
from partnercenter.events import event_record
from partnercenter.models import Tenant, User
from partnercenter.roles import Perm
from partnercenter.selectors import permissions_of
from webhooks.catalog import EVENT_NAMES, TEST_CREATED, Resource
from webhooks.events import WebhookEvents
from webhooks.models import DisabledReason, Event, EventStatus, Registration, RegistrationStatus
from webhooks.outbox import event_write
from webhooks.rules import target_check

MAX_PER_PARTNER = 20


def _require(actor: User | None, partner: Tenant) -> None:
    if actor is not None and Perm.API_MANAGE not in permissions_of(user=actor, tenant=partner):
        raise Forbidden(_("Your role does not allow this."))


def secret_generate() -> str:
    """A Standard Webhooks secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def events_clean(events: list[str] | None) -> list[str]:
    chosen = [str(e) for e in (events or [])]
    unknown = sorted(set(chosen) - set(EVENT_NAMES))
    if unknown:
        raise Invalid(_("Unknown webhook events: %(names)s."), field="events", params={"names": ", ".join(unknown)})
    if not chosen:
        raise Invalid(_("Choose at least one event."), field="events")
    return [name for name in EVENT_NAMES if name in set(chosen)]


def _log(registration: Registration, kind: str, actor: User | None, **data: object) -> None:
    event_record(tenant=registration.partner, kind=kind, actor=actor,
                 data={"url": registration.url[:300], "registration_id": str(registration.pk), **data})


def registration_create(*, partner: Tenant, actor: User | None, url: str, events: list[str],
                        api_app: ApiApp | None = None) -> tuple[Registration, str]:
    """A new active registration and its secret in clear (shown once)."""
    _require(actor, partner)
    url = url.strip()
    target_check(url)
    chosen = events_clean(events)
    secret = secret_generate()
    with transaction.atomic():
        Tenant.objects.select_for_update().filter(pk=partner.pk).first()  # the count below holds
        if Registration.objects.filter(partner=partner).count() >= MAX_PER_PARTNER:
            raise Conflict(_("You have %(count)s webhooks, the most a partner may have: delete one first."),
                           params={"count": MAX_PER_PARTNER})
        if api_app is not None and Registration.objects.filter(api_app=api_app).exists():
            raise Conflict(_("This app already has a webhook registration: change it with PUT."))
        registration = Registration.objects.create(partner=partner, api_app=api_app, url=url, events=chosen,
                                                   secret=secret, created_by=actor)
        _log(registration, WebhookEvents.CREATED, actor, events=chosen)
    return registration, secret


def _locked(registration: Registration) -> Registration:
    return Registration.objects.select_for_update().select_related("partner").get(pk=registration.pk)


def registration_update(*, registration: Registration, actor: User | None, events: list[str],
                        url: str | None = None) -> Registration:
    _require(actor, registration.partner)
    chosen = events_clean(events)
    if url is not None:
        url = url.strip()
        target_check(url)
    with transaction.atomic():
        locked = _locked(registration)
        fields = []
        if chosen != locked.events:
            locked.events, fields = chosen, [*fields, "events"]
        if url is not None and url != locked.url:
            locked.url, fields = url, [*fields, "url"]
        if fields:
            locked.save(update_fields=[*fields, "updated_at"])
            _log(locked, WebhookEvents.UPDATED, actor, fields=", ".join(fields))
    return locked


def registration_rotate(*, registration: Registration, actor: User | None) -> tuple[Registration, str]:
    """A new secret; the old one keeps signing beside it for WEBHOOKS_SECRET_OVERLAP_HOURS."""
    _require(actor, registration.partner)
    secret = secret_generate()
    with transaction.atomic():
        locked = _locked(registration)
        locked.previous_secret, locked.secret = locked.secret, secret
        locked.previous_secret_expires_at = timezone.now() + timedelta(hours=settings.WEBHOOKS_SECRET_OVERLAP_HOURS)
        locked.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
        _log(locked, WebhookEvents.SECRET_ROTATED, actor)
    return locked, secret


def registration_disable(*, registration: Registration, actor: User | None) -> Registration:
    _require(actor, registration.partner)
    with transaction.atomic():
        locked = _locked(registration)
        if locked.status == RegistrationStatus.DISABLED:
            return locked
        locked.status, locked.disabled_reason = RegistrationStatus.DISABLED, DisabledReason.BY_USER
        locked.save(update_fields=["status", "disabled_reason", "updated_at"])
        _log(locked, WebhookEvents.DISABLED, actor)
    return locked


def registration_enable(*, registration: Registration, actor: User | None) -> Registration:
    """Active again, failures forgotten; the events that waited go out (the sweep, queued at once)."""
    from webhooks.tasks import sweep_task

    _require(actor, registration.partner)
    with transaction.atomic():
        locked = _locked(registration)
        if locked.status == RegistrationStatus.ACTIVE:
            return locked
        locked.status, locked.disabled_reason, locked.failing_since = RegistrationStatus.ACTIVE, "", None
        locked.save(update_fields=["status", "disabled_reason", "failing_since", "updated_at"])
        _log(locked, WebhookEvents.ENABLED, actor)
        enqueue_on_commit(sweep_task)
    return locked


def registration_delete(*, registration: Registration, actor: User | None) -> None:
    """Gone with its events and delivery log; an event already in a worker's hands finds nothing."""
    _require(actor, registration.partner)
    with transaction.atomic():
        locked = _locked(registration)
        _log(locked, WebhookEvents.DELETED, actor)
        locked.delete()


def test_event_send(*, registration: Registration, actor: User | None) -> Event:
    """A test-created event for this registration (whatever events it chose); its uuid is the
    correlationId the API answers with."""
    _require(actor, registration.partner)
    if not registration.is_active:
        raise Conflict(_("This webhook is disabled: enable it before sending a test event."))
    correlation = uuid.uuid4()
    resource = Resource("Test", f"/webhooks/v1/registration/validationEvents/{correlation}", "")
    with transaction.atomic():
        event = event_write(registration=registration, name=TEST_CREATED, resource=resource, audit_path="",
                            changed_at=timezone.now(), event_uuid=correlation)
        _log(registration, WebhookEvents.TEST_SENT, actor, event=event.webhook_id)
    return event


def event_redeliver(*, event: Event, actor: User | None) -> Event:
    """Send the event again (same webhook-id, so a receiver that has it can tell), with a fresh day of
    retries. It goes out in order: after any earlier open event of its resource."""
    from webhooks.tasks import deliver_task

    registration = event.registration
    _require(actor, registration.partner)
    with transaction.atomic():
        locked = _locked(registration)
        if not locked.is_active:
            raise Conflict(_("This webhook is disabled: enable it before redelivering events."))
        row = Event.objects.select_for_update().get(pk=event.pk)
        if row.is_open and row.attempts == 0:
            return row  # never tried yet: it is on its way already
        now = timezone.now()
        row.status, row.next_attempt_at, row.locked_until = EventStatus.PENDING, now, None
        row.deadline_at = now + timedelta(hours=24)
        row.save(update_fields=["status", "next_attempt_at", "locked_until", "deadline_at"])
        _log(locked, WebhookEvents.REDELIVERED, actor, event=row.webhook_id)
        enqueue_on_commit(deliver_task, row.pk)
    return row
