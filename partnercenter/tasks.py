"""Thin Celery wrappers: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task

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


@shared_task(name="partnercenter.tasks.outbox_sweep")
def outbox_sweep_task() -> int:
    return services.outbox_sweep()
