"""Thin Celery wrappers: they take ids and call one function of webhooks.delivery."""

from __future__ import annotations

from celery import shared_task

from webhooks import delivery


@shared_task(name="webhooks.tasks.deliver")
def deliver_task(event_id: int) -> str:
    """Retries are not Celery's: a failed attempt schedules the next one itself (webhooks.delivery)."""
    return delivery.event_deliver(event_id=event_id)


@shared_task(name="webhooks.tasks.sweep")
def sweep_task() -> int:
    return delivery.sweep()
