"""Events into the durable outbox, inside the transaction of the change.

`on_activity` is subscribed (partnercenter.events.subscribe) to every activity kind of
webhooks.catalog.KIND_EVENTS: it runs inside event_record()'s transaction, so a change that rolls back
leaves no event, and one that commits has its rows. Delivery is queued after commit
(partnercenter.dispatch.enqueue_on_commit); when the broker lost the message, the sweep
(webhooks.delivery.sweep, beat every 30 s) queues the row again."""

from __future__ import annotations

import logging
import uuid as uuid_module
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from partnercenter.dispatch import enqueue_on_commit
from partnercenter.events import subscribe
from partnercenter.models import ActivityLog
from webhooks.catalog import KIND_EVENTS, Resource, payload
from webhooks.models import Event, Registration, RegistrationStatus

logger = logging.getLogger(__name__)
RETRY_HOURS = 24  # retries stop this long after the event (or its redelivery)


def event_write(*, registration: Registration, name: str, resource: Resource, audit_path: str,
                changed_at: datetime, event_uuid: uuid_module.UUID | None = None) -> Event:
    from webhooks.tasks import deliver_task

    now = timezone.now()
    event = Event.objects.create(
        uuid=event_uuid or uuid_module.uuid4(), registration=registration, name=name, resource_key=resource.key,
        payload=payload(name, resource, audit_path=audit_path, changed_at=changed_at),
        created_at=now, next_attempt_at=now, deadline_at=now + timedelta(hours=RETRY_HOURS),
    )
    if not resource.key or not Event.objects.filter(
            registration=registration, resource_key=resource.key, id__lt=event.id,
            status__in=("pending", "failed")).exists():
        enqueue_on_commit(deliver_task, event.pk)  # a later event of the resource waits for the earlier one
    return event


def _active_registrations(partner_id: object) -> list[Registration]:
    """The partner's active registrations, by a statement compiled once (partnercenter.sqlcache): every
    change with webhook events asks, most often to find none."""
    from partnercenter.sqlcache import shaped_objects

    return shaped_objects(("active webhook registrations",),
                          lambda v: Registration.objects.filter(partner_id=v["partner"], status=RegistrationStatus.ACTIVE),
                          {"partner": partner_id})


def on_activity(entry: ActivityLog) -> None:
    mapped = KIND_EVENTS.get(entry.kind)
    data = entry.data or {}
    if mapped is None or str(entry.tenant_id) != str(data.get("partner_id")):
        return  # the customer's copy of the entry, or a kind without webhooks
    names, build = mapped
    # At most MAX_PER_PARTNER rows; filtered here, not by a JSON lookup SQLite lacks.
    registrations = [r for r in _active_registrations(entry.tenant_id) if set(names) & set(r.events)]
    if not registrations:
        return
    try:
        resource = build({"customer_id": str(entry.customer_id or ""), **data})  # DAP entries name it only here
    except KeyError:
        logger.warning("activity %s %s has no resource ids; no webhook event", entry.kind, entry.pk)
        return
    audit = f"{reverse('activity_log')}?entry={entry.pk}" if entry.pk else reverse("activity_log")
    for registration in registrations:
        for name in names:
            if name in registration.events:
                event_write(registration=registration, name=name, resource=resource, audit_path=audit,
                            changed_at=entry.created_at or timezone.now())


def subscribers_register() -> None:
    """Called from WebhooksConfig.ready(); subscribe() ignores a second registration."""
    for kind in KIND_EVENTS:
        subscribe(kind, on_activity)
