"""Thin Celery wrappers: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import get_connection

from partnercenter import services


@shared_task(
    name="partnercenter.tasks.outbox_deliver",
    autoretry_for=(services.OutboxSendFailed,),
    retry_backoff=5,
    retry_backoff_max=600,  # well below the broker's visibility timeout (3600 s)
    retry_jitter=True,
    max_retries=4,
)
def outbox_deliver_task(email_id: int) -> bool:
    return services.outbox_email_deliver(email_id=email_id)


@shared_task(name="partnercenter.tasks.outbox_deliver_batch")
def outbox_deliver_batch_task(email_ids: list[int]) -> int:
    """Send a bulk job chunk's mails over one SMTP session (one task per chunk, not per mail). A mail
    the server refuses goes on with the single task's retries and backoff. Returns how many were sent."""
    sent = 0
    with get_connection() as connection:
        for email_id in email_ids:
            try:
                sent += services.outbox_email_deliver(email_id=email_id, connection=connection)
            except services.OutboxSendFailed:
                outbox_deliver_task.apply_async(args=(email_id,), countdown=5)
    return sent


@shared_task(name="partnercenter.tasks.outbox_sweep")
def outbox_sweep_task() -> int:
    return services.outbox_sweep()
