"""The Celery application. Tasks are thin wrappers around services (see each app's tasks.py)."""

import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnercenter.settings")

app = Celery("partnercenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def db_connections_tidy(sender: Any = None, **_kwargs: Any) -> None:
    """Django's connection policy around each task, as around each request: with CELERY_DB_REUSE_MAX set,
    Celery's Django fixup no longer closes the connection around every task, so this closes it when it
    is older than CONN_MAX_AGE, has seen an error or was left outside autocommit, and re-arms
    CONN_HEALTH_CHECKS (a connection the server dropped is replaced before the next query, not failed on).
    Never for an eager task: it runs inside the caller's request and transaction."""
    request = getattr(sender, "request", None)
    if request is None or getattr(request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
