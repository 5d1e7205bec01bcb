"""Thin Celery wrappers around the invitation services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from invitations import services


@shared_task(
    name="invitations.tasks.acceptance_process",
    autoretry_for=(Exception,),
    retry_backoff=2,
    retry_backoff_max=300,  # below the broker's visibility timeout
    retry_jitter=True,
    max_retries=5,
)
def acceptance_process_task(acceptance_id: str) -> str:
    return services.acceptance_process(acceptance_id=acceptance_id)


@shared_task(name="invitations.tasks.acceptance_drain")
def acceptance_drain_task(slot: int = 0) -> int:
    """Process the acceptances waiting (a click's wake-up queued this; see services.acceptances_drain)."""
    return services.acceptances_drain(slot=slot, limit=settings.ACCEPTANCE_DRAIN_MAX)


@shared_task(name="invitations.tasks.acceptance_sweep")
def acceptance_sweep_task() -> int:
    return services.acceptances_sweep()


@shared_task(name="invitations.tasks.bulk_previews_purge")
def bulk_previews_purge_task() -> int:
    from invitations.services.bulk import bulk_previews_purge

    return bulk_previews_purge()
