"""Background jobs: the list, the progress page (which polls a partial while the job runs), cancel
and the results CSV. A job of another tenant, or of a kind whose permission the reader lacks, is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from jobs import selectors, services
from jobs.models import Job
from partnercenter.csvexport import csv_response
from partnercenter.errors import DomainError, show
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from partnercenter.views import client_ip


def _job(request: HttpRequest, job_id: object) -> Job:
    return selectors.job_for(tenant=request.tenant, perms=request.tenancy.perms, job_id=job_id)  # type: ignore[attr-defined]


@tenant_view(Perm.JOBS_VIEW)
def job_list(request: HttpRequest) -> HttpResponse:
    before = request.GET.get("before", "")[:64]
    rows, more = selectors.jobs_page(tenant=request.tenant, perms=request.tenancy.perms, before=before)  # type: ignore[attr-defined]
    return render(request, "jobs/list.html", {"rows": rows, "next_before": rows[-1].id if more and rows else None})


def _progress_context(job: Job, after: int = 0) -> dict:
    items, more = selectors.problem_items(job=job, after=after)
    return {"job": job, "items": items, "next_after": items[-1].position if more and items else None,
            "after": after}


def _after(request: HttpRequest) -> int:
    try:
        return max(0, int(request.GET.get("after", "0")[:12]))
    except ValueError:
        return 0


@tenant_view(Perm.JOBS_VIEW)
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _job(request, job_id)
    return render(request, "jobs/detail.html", _progress_context(job, _after(request)))


@tenant_view(Perm.JOBS_VIEW)
def job_progress(request: HttpRequest, job_id: str) -> HttpResponse:
    """The part of the progress page that refreshes itself (htmx, every 2 s while the job is active)."""
    job = _job(request, job_id)
    return render(request, "jobs/_progress.html", _progress_context(job, _after(request)))


@tenant_view(Perm.JOBS_VIEW)
def job_cancel(request: HttpRequest, job_id: str) -> HttpResponse:
    """GET: the confirmation; POST: cancel. The kind's own permission is checked by the look-up (404)."""
    job = _job(request, job_id)
    if request.method != "POST":
        if not job.may_cancel:
            return redirect("jobs:detail", job_id=job.id)
        return render(request, "jobs/cancel.html", {"job": job})
    try:
        job = services.job_cancel(job=job, actor=request.user, ip=client_ip(request))  # type: ignore[arg-type]
    except DomainError as exc:
        show(request, exc)
    else:
        if job.status == "cancelled":
            messages.success(request, _("The job was cancelled."))
        else:
            messages.success(request, _("The job is being cancelled. Items already started are finished first."))
    return redirect("jobs:detail", job_id=job.id)


@tenant_view(Perm.JOBS_VIEW)
def job_results_csv(request: HttpRequest, job_id: str) -> StreamingHttpResponse:
    job = _job(request, job_id)
    language = translation.get_language()

    def rows():  # noqa: ANN202  (streamed after the view returned: keep the reader's language)
        with translation.override(language):
            yield from selectors.results_rows(job=job)

    return csv_response(f"job-{job.id}-results.csv", selectors.results_header(job=job), rows())
