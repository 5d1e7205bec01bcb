"""Hand work to Celery only after the transaction commits, and never let a dead broker fail a request."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Queue `task` after commit. If the broker is down the durable row stays; the sweep re-queues it."""

    def _send() -> None:
        try:
            task.apply_async(args=args, retry=False)
        except Exception:  # kombu raises many types for a dead broker; none may reach the user
            logger.warning("could not queue %s%r; the periodic sweep will retry", task.name, args, exc_info=True)

    transaction.on_commit(_send)
