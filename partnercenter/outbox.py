"""The mail outbox: durable rows written in the transaction of the change, sent at most once after commit.

Delivery. Tasks running eagerly (the demo, most tests): each row is sent in-process after commit. With a
worker: a commit *wakes* the outbox, and one drain task sends every due mail, claiming them a batch at a
time. The wake-up is coalesced through the shared cache (`cache.add` of one key): a burst of 10,000 mails
costs a handful of tasks, not 10,000, and Celery's per-task overhead stops being the limit. Rows in a
retry's backoff and the sweep's stale rows keep a task of their own (`outbox_deliver_task`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from partnercenter.dispatch import coalescing, update_unflushed, wake, wake_taken
from partnercenter.models import OutboxEmail, OutboxStatus, Tenant

logger = logging.getLogger(__name__)

# Slot n is set while drain task n is queued and not yet started: a mail committed while every slot is set
# needs no task of its own. OUTBOX_DRAINS slots: that many drains may send side by side.
WAKE_KEY = "outbox:drain-queued:{}"


def outbox_email_create(
    *,
    to_email: str,
    template: str,
    context: dict[str, Any],
    language: str,
    tenant: Tenant | None = None,
    reply_to: str = "",
    dedupe_key: str | None = None,
    send_after: datetime | None = None,
) -> OutboxEmail:
    """Render a localised template into a durable outbox row; it is sent after commit (or by the sweep,
    once `send_after` has passed). With `dedupe_key`, a second call returns the first row."""
    if dedupe_key is not None:
        existing = OutboxEmail.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        body = render_to_string(f"emails/{template}_body.txt", context)
    return outbox_email_create_raw(
        to_email=to_email, subject=subject, body=body, language=language, kind=template, tenant=tenant,
        reply_to=reply_to, dedupe_key=dedupe_key, send_after=send_after,
    )


def outbox_email_create_raw(
    *,
    to_email: str,
    subject: str,
    body: str,
    language: str,
    kind: str,
    tenant: Tenant | None = None,
    reply_to: str = "",
    dedupe_key: str | None = None,
    send_after: datetime | None = None,
) -> OutboxEmail:
    fields = {
        "to_email": to_email, "subject": subject[:300], "body": body, "language": language, "kind": kind,
        "tenant": tenant, "reply_to": reply_to, "send_after": send_after,
    }
    if dedupe_key is None:
        row = OutboxEmail.objects.create(**fields)
    else:
        # The unique index decides between concurrent creators: the loser waits for the winner's commit,
        # gets the IntegrityError inside its savepoint and returns the winner's row.
        try:
            with transaction.atomic():
                row = OutboxEmail.objects.create(dedupe_key=dedupe_key, **fields)
        except IntegrityError:
            existing = OutboxEmail.objects.filter(dedupe_key=dedupe_key).first()
            if existing is None:
                raise
            return existing
    if row.is_due():
        outbox_send_on_commit([row.id])
    return row


def outbox_send_on_commit(email_ids: list[int]) -> None:
    """After commit, have these due rows sent: each in-process when tasks run eagerly, else by waking the
    drain (rows created in bulk call this once with all their ids)."""
    if email_ids:
        transaction.on_commit(lambda: outbox_wake(email_ids))


def outbox_wake(email_ids: list[int] | None = None) -> None:
    """Queue the sending of due mail; never raises (a dead broker or cache leaves the rows to the sweep).
    Coalesced: one drain task for however many wake-ups arrive while it waits in the queue. Without a
    shared cache, or eagerly, one task per row (`email_ids`)."""
    from partnercenter.tasks import outbox_deliver_task, outbox_drain_task

    wake(key=WAKE_KEY, slots=settings.OUTBOX_DRAINS, timeout=settings.OUTBOX_WAKE_SECONDS,
         drain_task=outbox_drain_task, row_task=outbox_deliver_task, row_ids=email_ids, what="outbox delivery")


def outbox_wake_taken(slot: int) -> None:
    """Drain task `slot` has started: mail committed from now on may queue the next one (none is lost: the
    drain reads the outbox after this)."""
    wake_taken(WAKE_KEY, slot)


class OutboxSendFailed(Exception):
    """The mail server refused or could not be reached; the row stays pending for a retry."""

    def __init__(self, message: str, *, email_id: int | None = None) -> None:
        super().__init__(message)
        self.email_id = email_id


def outbox_due(now: datetime | None = None) -> Any:
    """The outbox rows that may be sent now: pending, and past their `send_after` if they have one. The
    one definition of "due": the claim, the drain and the sweep all start from it."""
    now = now or timezone.now()
    return OutboxEmail.objects.filter(status=OutboxStatus.PENDING).filter(
        Q(send_after__isnull=True) | Q(send_after__lte=now))


def outbox_drain(*, connection: Any, limit: int, exclude: int | None = None) -> int:
    """Send up to `limit` due, never-tried rows over one mail connection, oldest first; how many this call
    sent. Rows are claimed OUTBOX_CLAIM_SIZE at a time: picked FOR UPDATE SKIP LOCKED (two drains take
    different rows instead of queueing on the same ones) and marked 'sending' in one short transaction
    that commits before the first of them is sent, so a row another worker (or the sweep) took meanwhile
    is never sent twice. Rows in a retry's backoff (attempts > 0) are left to their own task. A refused
    send raises OutboxSendFailed (with the row's id): the caller drops the connection and hands that row
    to its retrying task; the batch's rows not tried yet are pending again."""
    # Oldest first, in the order of the (status, created_at) index: no scan of the sent rows.
    due = outbox_due().filter(attempts=0).exclude(id=exclude).order_by("created_at")
    sent = 0
    while sent < limit:
        rows = _outbox_claim_batch(due, min(settings.OUTBOX_CLAIM_SIZE, limit - sent))
        if not rows:
            break
        sent += _outbox_send(rows, connection)
    return sent


def _outbox_claim_batch(due: Any, size: int) -> list[OutboxEmail]:
    # A crash after this commit leaves the batch 'sending': never retried automatically (at most once),
    # the sweep marks such rows failed for an operator. A larger batch widens that window, not the rule.
    # Only the ids are picked and sorted (whole rows carry their bodies: a sort of those spills to disk);
    # the rows are read once they are this process's.
    now = timezone.now()
    with transaction.atomic():
        ids = list(due.select_for_update(skip_locked=True).values_list("id", flat=True)[:size])
        if not ids:
            return []
        OutboxEmail.objects.filter(id__in=ids).update(
            status=OutboxStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    return list(OutboxEmail.objects.filter(id__in=ids).order_by("created_at", "id"))


def _outbox_claim(email_id: int) -> bool:
    # Claim first, in one conditional UPDATE that commits before anything is sent: of two deliveries of
    # the same row only one matches (PostgreSQL re-checks the condition after the other's commit). A crash
    # after this point leaves the row 'sending', which is never retried automatically (at most once); the
    # sweep marks it failed for an operator to look at.
    now = timezone.now()
    pending = outbox_due(now).filter(id=email_id)
    claimed = pending.filter(attempts__lt=settings.OUTBOX_MAX_ATTEMPTS).update(
        status=OutboxStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:  # sent, given up, or not due yet (the sweep queues it again when it is)
        pending.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS).update(status=OutboxStatus.FAILED)
    return bool(claimed)


def outbox_email_deliver(*, email_id: int, connection: Any = None) -> bool:
    """Send one outbox row at most once. Returns True when this call sent it. `connection` (a mail
    backend connection) lets a batch, or a worker's mail tasks, share one SMTP session."""
    return _outbox_claim(email_id) and bool(_outbox_send([OutboxEmail.objects.get(id=email_id)], connection))


def _outbox_send(rows: list[OutboxEmail], connection: Any) -> int:
    """Send rows this process has just claimed, in order, and mark them sent; how many were sent. On a
    refusal the refused row is pending again for its retry (or failed after its last attempt), the rows
    after it are released untried, and OutboxSendFailed is raised."""
    sent: list[int] = []
    try:
        for index, row in enumerate(rows):
            message = EmailMessage(subject=row.subject, body=row.body, to=[row.to_email],
                                   reply_to=[row.reply_to] if row.reply_to else None, connection=connection)
            try:
                message.send(fail_silently=False)
            except Exception as exc:  # SMTP and socket errors: nothing was sent, so a retry is safe
                error = f"{type(exc).__name__}: {exc}"[:2000]
                status = OutboxStatus.PENDING if row.attempts < settings.OUTBOX_MAX_ATTEMPTS else OutboxStatus.FAILED
                OutboxEmail.objects.filter(id=row.id).update(status=status, last_error=error)
                untried = [other.id for other in rows[index + 1:]]
                if untried:
                    OutboxEmail.objects.filter(id__in=untried).update(
                        status=OutboxStatus.PENDING, attempts=F("attempts") - 1, claimed_at=None)
                raise OutboxSendFailed(error, email_id=row.id) from exc
            sent.append(row.id)
    finally:
        if sent:
            fields: dict[str, Any] = {"status": OutboxStatus.SENT, "sent_at": timezone.now()}
            if not settings.DEV_OUTBOX_ENABLED:
                fields["body"] = ""  # bodies carry live links (invitations, password resets): no copy once sent
            # The 'sent' mark need not wait for the WAL flush (synchronous_commit off for this transaction):
            # a crash that loses it leaves the rows 'sending', never sent again (the claim waited).
            update_unflushed(OutboxEmail.objects.filter(id__in=sent), **fields)
    return len(sent)


def outbox_sweep(
    *, pending_older_than_seconds: int = 30, sending_stuck_seconds: int = 900, retry_stale_seconds: int = 1800
) -> int:
    """Re-queue rows a lost broker message left behind, and rows whose send_after has come; give up on rows
    whose send outcome is unknown. How many rows it queued."""
    now = timezone.now()
    OutboxEmail.objects.filter(
        status=OutboxStatus.SENDING, claimed_at__lt=now - timezone.timedelta(seconds=sending_stuck_seconds)
    ).update(status=OutboxStatus.FAILED, last_error="worker lost during send; not retried to avoid a duplicate")
    # Never-tried rows after a short wait, or as soon as their send_after has passed; rows waiting in
    # Celery's retry backoff only once it is long over. A row that is not due yet is never queued.
    rows = list(
        outbox_due(now)
        .filter(
            Q(attempts=0, send_after__isnull=True,
              created_at__lt=now - timezone.timedelta(seconds=pending_older_than_seconds))
            | Q(attempts=0, send_after__isnull=False)
            | Q(claimed_at__lt=now - timezone.timedelta(seconds=retry_stale_seconds))
        )
        .order_by("id")
        .values_list("id", "attempts")[:1000]
    )
    if coalescing():
        # The drain takes the never-tried ones (a lost wake-up left them, or their time has come); a
        # stale retry keeps its own task.
        if any(attempts == 0 for _email_id, attempts in rows):
            outbox_wake()
        own_task = [email_id for email_id, attempts in rows if attempts > 0]
    else:
        own_task = [email_id for email_id, _attempts in rows]
    _deliver_each(own_task)
    return len(rows)


def _deliver_each(email_ids: list[int]) -> None:
    from partnercenter.tasks import outbox_deliver_task

    for email_id in email_ids:
        try:
            outbox_deliver_task.apply_async(args=(email_id,), retry=False)
        except Exception:
            logger.warning("broker still unavailable; %d outbox rows wait", len(email_ids))
            break
