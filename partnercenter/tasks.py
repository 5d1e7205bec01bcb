"""Thin Celery wrappers: they take ids and call one service."""

from __future__ import annotations

import time
from typing import Any

from celery import shared_task, signals
from django.conf import settings
from django.core.mail import get_connection

from partnercenter import outbox as services

# A mail connection a worker process left idle this long is closed and opened again before the next
# mail, rather than found dead by it: servers drop idle sessions (Postfix after 300 s by default).
MAIL_IDLE_SECONDS = 30.0
_mail: dict[str, Any] = {"connection": None, "key": None, "used": 0.0}


def mail_connection() -> Any:
    """This worker process's open mail connection, shared by its mail tasks (connect + EHLO once, not per
    mail). None when it cannot be opened: the mail then opens its own inside the outbox's send, whose
    failure is counted on the row and retried as before."""
    key = (settings.EMAIL_BACKEND, getattr(settings, "EMAIL_HOST", ""), getattr(settings, "EMAIL_PORT", 0))
    now = time.monotonic()
    if _mail["connection"] is not None and (_mail["key"] != key or now - _mail["used"] > MAIL_IDLE_SECONDS):
        mail_connection_drop()
    if _mail["connection"] is None:
        connection = get_connection()
        try:
            connection.open()
        except Exception:  # the server is down or refuses: nothing is claimed yet; the send will say so
            return None
        _mail.update(connection=connection, key=key)
    _mail["used"] = now
    return _mail["connection"]


@signals.worker_process_shutdown.connect
def mail_connection_drop(**_kwargs: Any) -> None:
    """Close the shared connection (after a failed send it may be half-dead; at shutdown, say QUIT)."""
    connection, _mail["connection"] = _mail["connection"], None
    if connection is not None:
        try:
            connection.close()
        except Exception:  # noqa: S110  a broken connection has nothing left to close
            pass


@shared_task(
    name="partnercenter.tasks.outbox_deliver",
    autoretry_for=(services.OutboxSendFailed,),
    retry_backoff=5,
    retry_backoff_max=600,  # well below the broker's visibility timeout (3600 s)
    retry_jitter=True,
    max_retries=4,
)
def outbox_deliver_task(email_id: int) -> bool:
    """Send this row; in a worker, then drain up to OUTBOX_BATCH_SIZE more due mails over the same SMTP
    connection (a burst of mails costs a few tasks' overhead, not one each; the later tasks of the burst
    find their rows sent and end at once). Returns whether this row was sent by this call."""
    if outbox_deliver_task.request.is_eager:  # in a request or a test: no process-wide connection, no drain
        return services.outbox_email_deliver(email_id=email_id)
    try:
        sent = services.outbox_email_deliver(email_id=email_id, connection=mail_connection())
    except services.OutboxSendFailed:
        mail_connection_drop()
        raise  # this row's retry, with backoff
    try:
        services.outbox_drain(connection=mail_connection(), limit=settings.OUTBOX_BATCH_SIZE, exclude=email_id)
    except services.OutboxSendFailed as exc:  # another row was refused: it retries on its own task
        mail_connection_drop()
        outbox_deliver_task.apply_async(args=(exc.email_id,), countdown=5)
    return sent


@shared_task(name="partnercenter.tasks.outbox_drain")
def outbox_drain_task(slot: int = 0) -> int:
    """Send the due mails (a wake-up queued this; see partnercenter/outbox.py) over this worker process's
    SMTP connection, up to OUTBOX_DRAIN_MAX, then queue a successor if more wait, so that other tasks get
    their turn. A refused mail goes on with its own task's retries; the drain tries again a little later.
    Returns how many this task sent."""
    services.outbox_wake_taken(slot)
    try:
        sent = services.outbox_drain(connection=mail_connection(), limit=settings.OUTBOX_DRAIN_MAX)
    except services.OutboxSendFailed as exc:
        mail_connection_drop()
        outbox_deliver_task.apply_async(args=(exc.email_id,), countdown=5)
        outbox_drain_task.apply_async(args=(slot,), countdown=5)
        return 0
    if sent >= settings.OUTBOX_DRAIN_MAX:
        services.outbox_wake()
    return sent


@shared_task(name="partnercenter.tasks.outbox_sweep")
def outbox_sweep_task() -> int:
    return services.outbox_sweep()
