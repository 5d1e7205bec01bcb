"""Delivering one event: claim, check the URL again (after DNS), POST signed, log the attempt, schedule
the retry or give up, disable a registration that failed for a day.

At least once: the claim (locked_until) is committed before the POST, the outcome after it; a worker
lost in between leaves the claim to expire and the sweep sends again with the same webhook-id.
In order per resource: an event waits while an earlier event of its registration and resource key is
pending or failed; when that one is delivered or given up, the next one is queued. test-created has no
key and never waits. Backoff 30 s, 1 min, 2 min, … capped at 30 min (below the broker's visibility
timeout), until 24 h after the event; then it is dead."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from partnercenter.dispatch import enqueue_on_commit
from partnercenter.errors import Invalid
from webhooks import http
from webhooks.models import OPEN_STATUSES, DeliveryAttempt, Event, EventStatus, Registration, RegistrationStatus
from webhooks.rules import target_check

logger = logging.getLogger(__name__)
CLAIM_SECONDS = 60  # longer than a POST can take (connect 5 s + read 10 s)
BACKOFF_FIRST, BACKOFF_CAP = 30, 1800
FRESH_SECONDS = 20


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, 4 min, … at most 30 min."""
    return timedelta(seconds=min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_CAP))


def _earlier_open(event: Event) -> bool:
    if not event.resource_key:
        return False
    return Event.objects.filter(registration_id=event.registration_id, resource_key=event.resource_key,
                                id__lt=event.id, status__in=OPEN_STATUSES).exists()


def _claim(event_id: int, now: datetime) -> tuple[str, Event | None]:
    with transaction.atomic():
        event = (Event.objects.select_for_update(skip_locked=True, of=("self",)).select_related("registration")
                 .filter(pk=event_id, status__in=OPEN_STATUSES).first())
        if event is None:
            return "done", None
        if event.locked_until and event.locked_until > now:
            return "busy", None
        if event.registration.status != RegistrationStatus.ACTIVE:
            return "paused", None
        if now >= event.deadline_at:
            event.status, event.locked_until = EventStatus.DEAD, None
            event.save(update_fields=["status", "locked_until"])
            _queue_next(event)
            return "dead", None
        if event.next_attempt_at and event.next_attempt_at > now:
            return "not-due", None
        if _earlier_open(event):
            return "waiting", None
        event.locked_until = now + timedelta(seconds=CLAIM_SECONDS)
        event.attempts += 1
        event.save(update_fields=["locked_until", "attempts"])
    return "claimed", event


def _send(event: Event, now: datetime) -> http.Outcome:
    registration = event.registration
    try:
        target = target_check(registration.url)  # again: DNS may answer differently than at registration
    except Invalid as exc:
        return http.Outcome(None, 0, "", f"refused: {exc.message}"[:500])
    body = http.body_of(event.payload)
    headers = http.headers_for(registration.signing_secrets(now), msg_id=event.webhook_id, timestamp=now, body=body)
    return http.post(target, body=body, headers=headers)


def event_deliver(*, event_id: int) -> str:
    """One attempt at the event if it is due. Returns what happened ("delivered", "failed", "dead",
    or why nothing was sent: "done", "busy", "paused", "not-due", "waiting")."""
    now = timezone.now()
    state, event = _claim(event_id, now)
    if event is None:
        return state
    outcome = _send(event, now)
    return _finish(event.pk, outcome)


def _finish(event_id: int, outcome: http.Outcome) -> str:
    from webhooks.notifications import registration_auto_disable

    now = timezone.now()
    registration_id = Event.objects.filter(pk=event_id).values_list("registration_id", flat=True).first()
    with transaction.atomic():
        # Registration before event, the order every service locks them in (no deadlock with Redeliver).
        registration = Registration.objects.select_for_update().select_related("partner").filter(
            pk=registration_id).first()
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None or registration is None:
            return "done"  # the registration was deleted meanwhile
        DeliveryAttempt.objects.create(
            event=event, number=event.attempts, status_code=outcome.status_code, duration_ms=outcome.duration_ms,
            response_excerpt=outcome.excerpt[:1024], error=outcome.error[:500], ok=outcome.ok, at=now,
        )
        registration.last_attempt_at, registration.last_status_code = now, outcome.status_code
        registration.last_ok = outcome.ok
        fields = ["last_attempt_at", "last_status_code", "last_ok"]
        event.locked_until = None
        if outcome.ok:
            event.status, event.delivered_at = EventStatus.DELIVERED, now
            registration.failing_since = None
            result = "delivered"
        else:
            registration.failing_since = registration.failing_since or now
            retry_at = now + backoff(event.attempts)
            if retry_at >= event.deadline_at:
                event.status, result = EventStatus.DEAD, "dead"
            else:
                event.status, event.next_attempt_at, result = EventStatus.FAILED, retry_at, "failed"
        registration.save(update_fields=[*fields, "failing_since"])
        event.save(update_fields=["status", "delivered_at", "next_attempt_at", "locked_until"])
        if result == "failed":
            _queue(event.pk, countdown=int((event.next_attempt_at - now).total_seconds()) + 1)
        else:
            _queue_next(event)
        hours = settings.WEBHOOKS_DISABLE_AFTER_HOURS
        if not outcome.ok and registration.is_active and now - registration.failing_since >= timedelta(hours=hours):
            registration_auto_disable(registration)
    return result


def _queue(event_id: int, countdown: int = 0) -> None:
    from webhooks.tasks import deliver_task

    if countdown <= 0:
        enqueue_on_commit(deliver_task, event_id)
        return

    def _send_later() -> None:
        try:
            deliver_task.apply_async(args=(event_id,), countdown=countdown, retry=False)
        except Exception:  # the broker is down: the sweep queues it when it is due
            logger.warning("could not queue the retry of webhook event %s; the sweep will", event_id, exc_info=True)

    transaction.on_commit(_send_later)


def _queue_next(event: Event) -> None:
    """The resource's next open event (it waited for this one)."""
    if not event.resource_key:
        return
    following = (Event.objects.filter(registration_id=event.registration_id, resource_key=event.resource_key,
                                      id__gt=event.id, status__in=OPEN_STATUSES)
                 .order_by("id").values_list("id", flat=True).first())
    if following is not None:
        _queue(following)


def due_events(now: datetime | None = None, limit: int = 1000) -> list[int]:
    """Open events of active registrations that are due, not claimed, and first of their resource (or
    past their deadline, to be given up)."""
    now = now or timezone.now()
    earlier = Event.objects.filter(registration_id=OuterRef("registration_id"), resource_key=OuterRef("resource_key"),
                                   id__lt=OuterRef("id"), status__in=OPEN_STATUSES).exclude(resource_key="")
    return list(
        Event.objects.filter(status__in=OPEN_STATUSES, registration__status=RegistrationStatus.ACTIVE)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now) | Q(deadline_at__lte=now))
        .filter(~Exists(earlier) | Q(deadline_at__lte=now))
        .exclude(attempts=0, created_at__gt=now - timedelta(seconds=FRESH_SECONDS))  # queued on commit already
        .order_by("id").values_list("id", flat=True)[:limit]
    )


def sweep() -> int:
    """Queue what a lost broker message, a lost worker or a passed backoff left waiting."""
    from webhooks.tasks import deliver_task

    ids = due_events()
    for event_id in ids:
        try:
            deliver_task.apply_async(args=(event_id,), retry=False)
        except Exception:
            logger.warning("broker unavailable; %d webhook events wait", len(ids))
            break
    return len(ids)
