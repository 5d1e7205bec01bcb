"""Reads of background jobs, always scoped by tenant and by the kinds the reader may see."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.models import ItemStatus, Job, JobItem
from jobs.registry import kind_get, kinds_visible, reason_text
from partnercenter.errors import NotFound
from partnercenter.models import Tenant

PAGE_SIZE = 50


def jobs_for(*, tenant: Tenant, perms: Any):  # noqa: ANN201
    return Job.objects.visible_to(tenant).filter(kind__in=kinds_visible(perms))


def jobs_page(*, tenant: Tenant, perms: Any, before: str = "", page_size: int = PAGE_SIZE) -> tuple[list[Job], bool]:
    """One page of the tenant's jobs, newest first, and whether there are older ones. `before` is the
    id of the last job of the previous page (keyset on created_at, id)."""
    qs = jobs_for(tenant=tenant, perms=perms).select_related("created_by")
    cursor = _job_or_none(qs, before)
    if cursor is not None:
        qs = qs.filter(Q(created_at__lt=cursor.created_at) | Q(created_at=cursor.created_at, id__lt=cursor.id))
    rows = list(qs.order_by("-created_at", "-id")[: page_size + 1])
    return rows[:page_size], len(rows) > page_size


def _job_or_none(qs, job_id: object) -> Job | None:  # noqa: ANN001
    try:
        return qs.filter(pk=uuid.UUID(str(job_id))).first() if job_id else None
    except ValueError:
        return None


def job_for(*, tenant: Tenant, perms: Any, job_id: object) -> Job:
    """The job, if it is the tenant's and the reader may see its kind; else NotFound (a 404)."""
    job = _job_or_none(jobs_for(tenant=tenant, perms=perms).select_related("created_by", "cancel_requested_by"),
                       job_id)
    if job is None:
        raise NotFound(_("This background job does not exist."))
    return job


def problem_items(*, job: Job, after: int = 0, page_size: int = PAGE_SIZE) -> tuple[list[JobItem], bool]:
    """The skipped and failed items in position order, from after `after`, each with `reason`."""
    qs = JobItem.objects.filter(job=job, status__in=[ItemStatus.SKIPPED, ItemStatus.FAILED])
    if after:
        qs = qs.filter(position__gt=after)
    rows = list(qs.order_by("position").only("position", "key", "label", "status", "reason_code",
                                             "reason_params")[: page_size + 1])
    for row in rows:
        row.reason = reason_text(job.kind, row.reason_code, row.reason_params)  # type: ignore[attr-defined]
    return rows[:page_size], len(rows) > page_size


def results_rows(*, job: Job) -> Iterator[list[object]]:
    """The results CSV's rows (key, label, status, reason, the kind's result columns), streamed."""
    kind = kind_get(job.kind)
    columns = [key for _header, key in (kind.result_columns if kind else ())]
    statuses = dict(ItemStatus.choices)
    qs = JobItem.objects.filter(job=job).order_by("position").values_list(
        "key", "label", "status", "reason_code", "reason_params", "result")
    for key, label, status, code, params, result in qs.iterator(chunk_size=2000):
        result = result or {}
        yield [key, label, str(statuses.get(status, status)), reason_text(job.kind, code, params),
               *(result.get(column, "") for column in columns)]


def results_header(*, job: Job) -> list[str]:
    kind = kind_get(job.kind)
    return [str(_("Key")), str(_("Name")), str(_("Status")), str(_("Reason")),
            *(str(header) for header, _key in (kind.result_columns if kind else ()))]
