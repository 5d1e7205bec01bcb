"""Background jobs on real PostgreSQL with threads released together: two runners split one job and
process every item exactly once; a cancel while a chunk is in flight waits for nothing and loses nothing."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from jobs import services
from jobs.models import ItemStatus, Job, JobItem, JobStatus
from jobs.registry import JobKind, register, unregister
from partnercenter.models import ActivityLog
from partnercenter.roles import Perm
from tests import jobs_support
from tests.concurrency import outcomes, race, require_postgres
from tests.jobs_support import ECHO, side_effects

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    require_postgres()
    monkeypatch.setattr(services, "job_enqueue_on_commit", lambda job_id: None)
    jobs_support.reset()
    yield
    jobs_support.reset()


def finished_entries(job: Job) -> int:
    return sum(1 for e in ActivityLog.objects.filter(kind="job.finished") if e.data.get("job") == str(job.id))


@pytest.mark.parametrize("runners", [2, 4])
def test_runners_at_once_process_every_item_exactly_once(partner, partner_admin, runners):
    keys = [f"c{i:03d}" for i in range(240)] + [f"skip{i}" for i in range(30)]
    job = services.job_create(tenant=partner, actor=partner_admin, kind=ECHO.name, params={"sleep": 0.002},
                              items=[(k, k) for k in keys])

    results = race(runners, lambda i: services.job_run(job_id=job.id))

    assert outcomes(results) == {"ok": runners}, results
    assert JobStatus.DONE in {value for _kind, value in results}
    job.refresh_from_db()
    assert (job.status, job.done, job.skipped, job.failed, job.cancelled) == (JobStatus.DONE, 240, 30, 0, 0)
    assert services.job_counts(job=job) == {"done": 240, "skipped": 30, "total": 270}
    assert Counter(jobs_support.SEEN) == dict.fromkeys(keys[:240], 1)  # each handled once, by one runner
    assert side_effects(job) == sorted(keys[:240])
    assert finished_entries(job) == 1


def test_cancel_while_a_chunk_is_in_flight(partner, partner_admin):
    """The in-flight chunk finishes (its items stay done), the untouched items are cancelled at once,
    and the runner, not the cancel, ends the job: cancelling → cancelled, exactly once."""
    inside, release = threading.Event(), threading.Event()

    def slow(job, items):  # noqa: ANN001, ANN202
        inside.set()
        assert release.wait(30)
        for item in items:
            item.mark_done()

    kind = register(JobKind(name="tests.slow", label="Slow", perm=Perm.CUSTOMERS_VIEW, handler=slow, chunk_size=5))
    try:
        job = services.job_create(tenant=partner, actor=partner_admin, kind=kind, items=[(f"k{i}", "") for i in range(20)])
        runner_result: list[str] = []

        def run() -> None:
            try:
                runner_result.append(services.job_run(job_id=job.id))
            finally:
                connection.close()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        assert inside.wait(30)
        cancelled = services.job_cancel(job=job, actor=partner_admin)  # does not wait for the chunk
        assert cancelled.status == JobStatus.CANCELLING and cancelled.cancelled == 15
        release.set()
        thread.join(30)
        assert not thread.is_alive()
    finally:
        unregister(kind.name)
    assert runner_result == [JobStatus.CANCELLED]
    job.refresh_from_db()
    assert (job.status, job.done, job.cancelled) == (JobStatus.CANCELLED, 5, 15) and job.finished_at
    assert JobItem.objects.filter(job=job, status=ItemStatus.PENDING).count() == 0
    assert finished_entries(job) == 1
