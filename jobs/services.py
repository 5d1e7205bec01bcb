"""Writes of background jobs: create, run (chunk by chunk), cancel, resume. Keyword-only, no requests.

Running is built for several workers at once and for workers that die:
- one transaction per chunk; the chunk's pending items are taken with SELECT … FOR UPDATE SKIP LOCKED
  in position order, so two runners split the work and never process an item twice;
- the handler's writes, the items' new status and the job's counters (F() expressions) commit together:
  a killed worker rolls its chunk back, the items stay pending, and the next runner does them;
- the job is finished by whichever runner finds no pending item left while holding the job's row lock
  (a pending item another runner is still working on is visible as pending, so it waits for that one).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.events import JobEvents
from jobs.models import FINISHED, ItemStatus, Job, JobItem, JobStatus
from jobs.registry import JobKind, kind_get
from partnercenter.dispatch import enqueue_on_commit
from partnercenter.errors import Conflict, Invalid
from partnercenter.events import event_record
from partnercenter.models import Tenant, User

logger = logging.getLogger(__name__)

CREATE_BATCH = 2000
MAX_ITEMS = 200_000
ITEM_FIELDS = ["status", "reason_code", "reason_params", "result", "processed_at"]


def _kind(name: str) -> JobKind:
    kind = kind_get(name)
    if kind is None:
        raise Invalid(_("This kind of job is not available."), field="kind")
    return kind


def _event_data(job: Job, **extra: Any) -> dict[str, Any]:
    return {"job": str(job.id), "job_kind": job.kind, "total": job.total, **extra}


# --- Create -------------------------------------------------------------------------------------


def job_create(
    *,
    tenant: Tenant,
    actor: User | None,
    kind: str | JobKind,
    params: dict[str, Any] | None = None,
    items: Iterable[tuple[str, str]],
    ip: str | None = None,
) -> Job:
    """A queued job with one pending item per distinct key (the first label of a key wins), in the
    order given; its run is queued after commit. `items` may be a generator (200,000 customers)."""
    kind = kind if isinstance(kind, JobKind) else _kind(kind)
    with transaction.atomic():
        job = Job.objects.create(tenant=tenant, kind=kind.name, params=dict(params or {}),
                                 created_by=actor if actor is not None and actor.pk else None)
        seen: set[str] = set()
        batch: list[JobItem] = []
        for key, label in items:
            key = str(key)
            if not key or len(key) > 200:
                raise Invalid(_("An item key must have 1 to 200 characters."), field="items")
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_ITEMS:
                raise Invalid(_("A job can work on at most %(max)s items."), field="items",
                              params={"max": MAX_ITEMS})
            batch.append(JobItem(job=job, position=len(seen), key=key, label=str(label or "")[:300]))
            if len(batch) >= CREATE_BATCH:
                JobItem.objects.bulk_create(batch)
                batch = []
        if batch:
            JobItem.objects.bulk_create(batch)
        if not seen:
            raise Invalid(_("Choose at least one item."), field="items")
        job.total = len(seen)
        job.save(update_fields=["total"])
        event_record(tenant=tenant, kind=JobEvents.JOB_CREATED, actor=actor, data=_event_data(job), ip=ip)
        job_enqueue_on_commit(job.id)
    return job


def job_enqueue_on_commit(job_id: Any) -> None:
    from jobs.tasks import job_run_task

    enqueue_on_commit(job_run_task, str(job_id))


# --- Run ----------------------------------------------------------------------------------------


def job_run(*, job_id: Any, max_seconds: float | None = None) -> str:
    """Work through the job's pending items chunk by chunk until none is left, the job is cancelled,
    or `max_seconds` have passed (then "paused": the task queues itself again). Returns the job's
    status afterwards, or "paused". Running a finished job again does nothing."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.status in FINISHED:
        return job.status if job is not None else "missing"
    kind = kind_get(job.kind)
    if kind is None:
        return _job_fail_unknown_kind(job)
    if job.status == JobStatus.QUEUED:
        now = timezone.now()
        Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=now, heartbeat_at=now)
    deadline = time.monotonic() + max_seconds if max_seconds else None
    while True:
        outcome = _chunk_run(job.pk, kind)
        if outcome != "more":
            return outcome
        if deadline is not None and time.monotonic() >= deadline:
            return "paused"


def _chunk_run(job_pk: Any, kind: JobKind) -> str:
    """One chunk in one transaction: "more", or the job's status when there was nothing left to do."""
    with transaction.atomic():
        job = Job.objects.select_related("tenant", "created_by").get(pk=job_pk)  # what handlers use
        if job.status == JobStatus.CANCELLING:
            items = []  # stop before the next chunk; finish below
        elif job.status in FINISHED:
            return job.status
        else:
            items = list(
                JobItem.objects.filter(job_id=job_pk, status=ItemStatus.PENDING)
                .select_for_update(skip_locked=True)
                .order_by("position")[: kind.chunk_size]
            )
        if not items:
            return _job_finish(job_pk, kind)
        _handle(job, kind, items)
        now = timezone.now()
        counts = {ItemStatus.DONE: 0, ItemStatus.SKIPPED: 0, ItemStatus.FAILED: 0}
        for item in items:
            if item.status not in counts:
                logger.error("job %s (%s): the handler left item %s %s; marked failed", job.pk, job.kind,
                             item.key, item.status)
                item.mark_failed("error")
            counts[item.status] += 1
            item.processed_at = now
        _items_write(items)
        Job.objects.filter(pk=job_pk).update(
            done=F("done") + counts[ItemStatus.DONE], skipped=F("skipped") + counts[ItemStatus.SKIPPED],
            failed=F("failed") + counts[ItemStatus.FAILED], heartbeat_at=now,
        )
    return "more"


def _items_write(items: list[JobItem]) -> None:
    """The chunk's outcomes in one statement. On PostgreSQL an UPDATE … FROM (VALUES …): Django's
    bulk_update builds a CASE per column and item, which cost more than a bulk handler's own inserts
    (measured by bench/gdap_bulk.py: about a third of a 200-item chunk)."""
    if connection.vendor != "postgresql":
        JobItem.objects.bulk_update(items, ITEM_FIELDS, batch_size=len(items))
        return
    table = connection.ops.quote_name(JobItem._meta.db_table)
    row = "(%s::bigint, %s, %s, %s::jsonb, %s::jsonb, %s::timestamptz)"
    params: list[Any] = []
    for item in items:
        params += [item.pk, item.status, item.reason_code, json.dumps(item.reason_params or {}),
                   json.dumps(item.result or {}), item.processed_at]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET status = v.status, reason_code = v.reason_code, "  # noqa: S608 (no input)
            f"reason_params = v.reason_params, result = v.result, processed_at = v.processed_at "
            f"FROM (VALUES {', '.join([row] * len(items))}) AS v(id, status, reason_code, reason_params, result, "
            f"processed_at) WHERE t.id = v.id",
            params,
        )


def _handle(job: Job, kind: JobKind, items: list[JobItem]) -> None:
    """The handler on the whole chunk; if it raises, on one item at a time (each in a savepoint), so
    one bad item does not fail its 199 neighbours. Whatever still raises fails with "error"."""
    try:
        with transaction.atomic():
            kind.handler(job, items)
        return
    except Exception:
        logger.exception("job %s (%s): the handler raised on a chunk of %d; retrying one by one",
                         job.pk, job.kind, len(items))
    for item in items:
        item.reset()  # forget what the rolled-back chunk call set
        try:
            with transaction.atomic():
                kind.handler(job, [item])
        except Exception:
            logger.exception("job %s (%s): the handler raised on item %s", job.pk, job.kind, item.key)
            item.mark_failed("error", result={})


def _job_finish(job_pk: Any, kind: JobKind | None) -> str:
    """Done (or cancelled) once no item is pending — checked under the job's row lock, so exactly one
    runner finishes it and never while another runner's chunk is still uncommitted."""
    job = Job.objects.select_for_update().get(pk=job_pk)
    if job.status in FINISHED:
        return job.status
    cancelling = job.status == JobStatus.CANCELLING
    if cancelling:
        _pending_cancel(job)
    if JobItem.objects.filter(job_id=job_pk, status=ItemStatus.PENDING).exists():
        return job.status  # another runner holds the rest; it finishes the job
    if cancelling and kind is not None and kind.on_cancel is not None:
        kind.on_cancel(job)  # every chunk has committed: nothing it withdraws can be written after it
    job.refresh_from_db()
    job.status = JobStatus.CANCELLED if cancelling else JobStatus.DONE
    job.finished_at = job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "heartbeat_at"])
    if kind is not None and kind.on_finish is not None:
        kind.on_finish(job)
    _finished_event(job)
    return job.status


def _finished_event(job: Job) -> None:
    event_record(tenant=job.tenant, kind=JobEvents.JOB_FINISHED, actor=None,
                 data=_event_data(job, done=job.done, skipped=job.skipped, failed=job.failed,
                                  cancelled=job.cancelled, status=job.status))


def _pending_cancel(job: Job) -> int:
    """Cancel the pending items no runner is working on (locked ones are finished by their runner)."""
    ids = JobItem.objects.filter(job_id=job.pk, status=ItemStatus.PENDING).select_for_update(skip_locked=True)
    count = JobItem.objects.filter(pk__in=list(ids.values_list("pk", flat=True))).update(
        status=ItemStatus.CANCELLED, processed_at=timezone.now())
    if count:
        Job.objects.filter(pk=job.pk).update(cancelled=F("cancelled") + count)
    return count


def _job_fail_unknown_kind(job: Job) -> str:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status in FINISHED:
            return job.status
        count = JobItem.objects.filter(job_id=job.pk, status=ItemStatus.PENDING).update(
            status=ItemStatus.FAILED, reason_code="unknown_kind", processed_at=timezone.now())
        job.failed += count
        job.status = JobStatus.FAILED
        job.finished_at = timezone.now()
        job.save(update_fields=["failed", "status", "finished_at"])
        logger.error("job %s: kind %r is not registered; failed", job.pk, job.kind)
        _finished_event(job)
    return JobStatus.FAILED


# --- Cancel -------------------------------------------------------------------------------------


def job_cancel(*, job: Job, actor: User | None, ip: str | None = None) -> Job:
    """Queued: cancelled at once. Running: "cancelling" — items not yet started are cancelled now, the
    runner stops before its next chunk and marks the job cancelled. Finished: Conflict."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status == JobStatus.DONE and job.may_cancel:
            return _done_job_cancel(job, actor=actor, ip=ip)
        if job.status in FINISHED:
            raise Conflict(_("This job has already ended (%(status)s)."), params={"status": job.get_status_display()})
        if job.status == JobStatus.CANCELLING:
            return job  # a second click: the first one is being carried out
        now = timezone.now()
        was_queued = job.status == JobStatus.QUEUED
        job.status = JobStatus.CANCELLING
        job.cancel_requested_by = actor if actor is not None and actor.pk else None
        job.cancel_requested_at = now
        job.save(update_fields=["status", "cancel_requested_by", "cancel_requested_at"])
        _pending_cancel(job)
        event_record(tenant=job.tenant, kind=JobEvents.JOB_CANCELLED, actor=actor, data=_event_data(job), ip=ip)
        if was_queued or not JobItem.objects.filter(job_id=job.pk, status=ItemStatus.PENDING).exists():
            # Nothing in flight: no runner needs to come by. (Nothing pending is also what a runner
            # would find; the row lock makes this and its finish exclusive.)
            _job_finish(job.pk, kind_get(job.kind))
        job.refresh_from_db()
    return job


def _done_job_cancel(job: Job, *, actor: User | None, ip: str | None) -> Job:
    """A finished job whose kind still holds back side effects (paced mails): withdraw what waits;
    the job is then cancelled. Nothing left to withdraw: Conflict, the job stays done."""
    kind = kind_get(job.kind)
    job.status = JobStatus.CANCELLED
    job.cancel_requested_by = actor if actor is not None and actor.pk else None
    job.cancel_requested_at = timezone.now()
    job.save(update_fields=["status", "cancel_requested_by", "cancel_requested_at"])
    if kind is None or kind.on_cancel is None or not kind.on_cancel(job):
        raise Conflict(_("This job has already ended and left nothing to cancel."))  # rolls the above back
    job.refresh_from_db()
    event_record(tenant=job.tenant, kind=JobEvents.JOB_CANCELLED, actor=actor, data=_event_data(job), ip=ip)
    return job


# --- Resume -------------------------------------------------------------------------------------


def jobs_resume(*, stale_seconds: int | None = None) -> int:
    """Queue again the active jobs whose runner has gone quiet (a killed worker, a lost broker message):
    no heartbeat (or creation) within `stale_seconds` (settings.JOBS_STALE_SECONDS)."""
    from jobs.tasks import job_run_task

    seconds = settings.JOBS_STALE_SECONDS if stale_seconds is None else stale_seconds
    cutoff = timezone.now() - timedelta(seconds=seconds)
    ids = list(
        Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.CANCELLING])
        .annotate(last_seen=Coalesce("heartbeat_at", "created_at"))
        .filter(last_seen__lt=cutoff)
        .values_list("id", flat=True)[:500]
    )
    for job_id in ids:
        try:
            job_run_task.apply_async(args=(str(job_id),), retry=False)
        except Exception:
            logger.warning("broker unavailable; %d background jobs wait", len(ids))
            break
    return len(ids)


def job_counts(*, job: Job) -> dict[str, int]:
    """The items by status, counted (a check on the stored counters; used by tests and the admin)."""
    rows = JobItem.objects.filter(job=job).values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows} | {"total": job.total}

