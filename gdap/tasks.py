"""Thin Celery wrappers around the GDAP services."""

from __future__ import annotations

from celery import shared_task

from gdap import services

_RETRY = {"autoretry_for": (Exception,), "retry_backoff": 2, "retry_backoff_max": 300, "retry_jitter": True,
          "max_retries": 5}


@shared_task(name="gdap.tasks.approval_process", **_RETRY)
def approval_process_task(request_id: str) -> str:
    return services.approval_process(request_id=request_id)


@shared_task(name="gdap.tasks.termination_complete", **_RETRY)
def termination_complete_task(request_id: str) -> str:
    return services.termination_complete(request_id=request_id)


@shared_task(name="gdap.tasks.requests_sweep")
def requests_sweep_task() -> int:
    return services.requests_sweep()


@shared_task(name="gdap.tasks.time_sweep")
def time_sweep_task() -> dict[str, int]:
    """Beat, hourly: expiring / expired, auto-extension, 90-day request expiry, stuck terminations and
    the end reminders (gdap.services.time). Safe to run twice or on two workers at once."""
    from gdap.services.time import time_sweep

    return time_sweep()
