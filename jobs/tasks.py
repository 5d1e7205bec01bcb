"""Thin Celery wrappers around the job services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from jobs import services


@shared_task(name="jobs.tasks.job_run")
def job_run_task(job_id: str) -> str:
    # A long job runs in slices (JOBS_TASK_SECONDS), each slice one task: a task never outlives the
    # broker's visibility timeout, and a restarted worker loses at most one uncommitted chunk. No
    # autoretry: an error that escapes a chunk leaves its items pending and jobs_resume comes back.
    outcome = services.job_run(job_id=job_id, max_seconds=settings.JOBS_TASK_SECONDS)
    if outcome == "paused":
        services.job_enqueue_on_commit(job_id)
    return outcome


@shared_task(name="jobs.tasks.jobs_resume")
def jobs_resume_task() -> int:
    return services.jobs_resume()
