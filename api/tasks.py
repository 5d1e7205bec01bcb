"""Thin Celery wrappers around the API's periodic work."""

from __future__ import annotations

from celery import shared_task

from api import idempotency


@shared_task(name="api.tasks.idempotency_purge")
def idempotency_purge_task() -> int:
    """Beat, hourly: stored Idempotency-Key answers older than API_IDEMPOTENCY_HOURS are deleted."""
    return idempotency.purge_expired()
