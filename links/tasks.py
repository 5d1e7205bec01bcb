"""The one expiry sweep of every link kind (Celery beat)."""

from __future__ import annotations

from celery import shared_task

from links.services import links_expire


@shared_task(name="links.tasks.links_expire")
def links_expire_task() -> int:
    return links_expire()
