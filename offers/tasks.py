"""Thin Celery wrappers around the advisor offer services (the sweep is the acceptances' one:
invitations.tasks.acceptance_sweep re-queues these rows too)."""

from __future__ import annotations

from celery import shared_task

from offers import services


@shared_task(
    name="offers.tasks.offer_acceptance_process",
    autoretry_for=(Exception,),
    retry_backoff=2,
    retry_backoff_max=300,  # below the broker's visibility timeout
    retry_jitter=True,
    max_retries=5,
)
def offer_acceptance_process_task(acceptance_id: str) -> str:
    return services.offer_acceptance_process(acceptance_id=acceptance_id)
