"""Hand work to Celery only after the transaction commits, and never let a dead broker fail a request."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, router, transaction
from django.db.models import QuerySet
from django.db.models.sql import UpdateQuery

logger = logging.getLogger(__name__)


# Process-local caches do not coalesce across the web and worker processes: there, each row has its task.
_LOCAL_CACHES = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


def coalescing() -> bool:
    """Whether wake-ups coalesce (wake_drain): tasks go to a worker and the cache is shared with it."""
    from django.conf import settings

    from partnercenter.celery import app  # the app's own setting: tests and benches switch it at run time

    return not app.conf.task_always_eager and settings.CACHES["default"]["BACKEND"] not in _LOCAL_CACHES


def wake_drain(key: str, slots: int, timeout: int, task: Any) -> None:
    """Queue `task(slot)` in the first of `slots` slots that has none queued (`key`.format(slot) set in the
    shared cache for `timeout` seconds at most, until the task starts and calls wake_taken); with every slot
    taken, nothing: a queued drain will see the work. Raises what the broker or cache raise."""
    from django.core.cache import cache

    for slot in range(slots):
        if cache.add(key.format(slot), 1, timeout=timeout):
            try:
                task.apply_async(args=(slot,), retry=False)
            except Exception:
                cache.delete(key.format(slot))  # the next wake-up tries again; the sweep in any case
                raise
            return


def wake(*, key: str, slots: int, timeout: int, drain_task: Any, row_task: Any, row_ids: Any, what: str) -> None:
    """Have durable rows processed: wake a drain (wake_drain) where wake-ups coalesce, else queue `row_task`
    once per id of `row_ids`. Never raises: a dead broker or cache leaves the rows to their sweep."""
    try:
        if coalescing():
            wake_drain(key, slots, timeout, drain_task)
            return
        for row_id in row_ids or ():
            row_task.apply_async(args=(row_id,), retry=False)
    except Exception:  # kombu and the cache raise many types when down; none may reach a request
        logger.warning("could not queue %s; the periodic sweep will", what, exc_info=True)


def wake_taken(key: str, slot: int) -> None:
    """Drain `slot` has started: work committed from now on may queue the next one (none is lost, as the
    drain reads its rows after this). Never raises: the key expires by itself."""
    from django.core.cache import cache

    try:
        cache.delete(key.format(slot))
    except Exception:
        logger.warning("could not clear the wake-up key %s", key.format(slot), exc_info=True)


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Queue `task` after commit. If the broker is down the durable row stays; the sweep re-queues it."""

    def _send() -> None:
        try:
            task.apply_async(args=args, retry=False)
        except Exception:  # kombu raises many types for a dead broker; none may reach the user
            logger.warning("could not queue %s%r; the periodic sweep will retry", task.name, args, exc_info=True)

    transaction.on_commit(_send)


@contextmanager
def atomic_unflushed() -> Iterator[None]:
    """A transaction whose commit does not wait for the WAL flush (PostgreSQL's synchronous_commit off for
    it alone): for bookkeeping a server crash may lose (the last fraction of a second), never for a
    change that a later side effect relies on. A worker's crash loses nothing: the server has the commit."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def update_unflushed(queryset: QuerySet, **values: Any) -> None:
    """`queryset.update(**values)` with a commit that does not wait for the WAL flush (as atomic_unflushed).
    On PostgreSQL in autocommit it is one statement, the UPDATE and the setting together, instead of four
    (BEGIN, SET LOCAL, UPDATE, COMMIT); inside a caller's transaction, atomic_unflushed (the setting then
    holds for the caller's whole transaction); elsewhere atomic_unflushed."""
    using = router.db_for_write(queryset.model)
    conn = connections[using]
    if queryset.query.is_sliced:
        raise TypeError("Cannot update a query once a slice has been taken.")
    if conn.vendor != "postgresql" or conn.in_atomic_block or not conn.get_autocommit():
        with atomic_unflushed():
            queryset.update(**values)
        return
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(values)
    if query.related_updates:  # a parent table's fields (multi-table inheritance): Django's way, several statements
        with atomic_unflushed():
            queryset.update(**values)
        return
    query.clear_select_clause()
    try:
        update, params = query.get_compiler(using).as_sql()
    except EmptyResultSet:  # e.g. id__in=[]: nothing to change
        return
    if not update:
        return
    # A data-modifying WITH runs once whatever the outer SELECT reads; the setting is local to the
    # statement's own (implicit) transaction and holds at its commit.
    with conn.cursor() as cursor:
        cursor.execute(f"WITH changed AS ({update}) "  # noqa: S608 (Django's compiled UPDATE)
                       "SELECT set_config('synchronous_commit', 'off', true)", params)
