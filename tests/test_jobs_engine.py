"""The background-job engine (jobs/services.py) with the test kind of tests/jobs_support.py: chunks,
counters, de-duplicated keys, cancel in every state, handler errors, re-runs and resuming after a crash."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobs import services
from jobs.models import ItemStatus, Job, JobItem, JobStatus
from jobs.registry import JobKind, reason_text, register, unregister
from partnercenter.activity import describe
from partnercenter.errors import Conflict, Invalid
from partnercenter.models import ActivityLog
from partnercenter.roles import Perm
from tests import jobs_support
from tests.jobs_support import ECHO, SimulatedCrash, side_effects

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    jobs_support.reset()
    yield
    jobs_support.reset()


@pytest.fixture
def no_enqueue(monkeypatch):
    """The run is not queued (so not run eagerly): the test drives job_run itself."""
    monkeypatch.setattr(services, "job_enqueue_on_commit", lambda job_id: None)


def make(partner, actor, keys, **params) -> Job:  # noqa: ANN001
    return services.job_create(tenant=partner, actor=actor, kind=ECHO.name, params=params,
                               items=[(key, f"Name {key}") for key in keys])


def statuses(job: Job) -> dict[str, str]:
    return dict(JobItem.objects.filter(job=job).values_list("key", "status"))


def events(job: Job, kind: str) -> list[ActivityLog]:
    return [e for e in ActivityLog.objects.filter(tenant=job.tenant, kind=kind) if e.data.get("job") == str(job.id)]


def test_a_job_runs_in_chunks_and_counts_every_outcome(partner, partner_admin, no_enqueue):
    keys = ["c1", "skip2", "c3", "fail4", "c5", "c6", "c7", "skip8"]
    job = make(partner, partner_admin, keys)
    assert (job.status, job.total, job.done) == (JobStatus.QUEUED, 8, 0)
    assert list(JobItem.objects.filter(job=job).order_by("position").values_list("position", flat=True)) == list(
        range(1, 9))

    assert services.job_run(job_id=job.id) == JobStatus.DONE

    job.refresh_from_db()
    assert (job.done, job.skipped, job.failed, job.cancelled, job.total) == (5, 2, 1, 0, 8)
    assert job.started_at and job.finished_at and job.heartbeat_at and job.percent == 100
    assert services.job_counts(job=job) == {"done": 5, "skipped": 2, "failed": 1, "total": 8}
    assert jobs_support.SEEN == ["c1", "c3", "c5", "c6", "c7"]  # in position order
    assert side_effects(job) == sorted(["c1", "c3", "c5", "c6", "c7"])
    skipped = JobItem.objects.get(job=job, key="skip2")
    assert (skipped.reason_code, skipped.reason_params) == ("exists", {"name": "Name skip2"})
    assert reason_text(job.kind, skipped.reason_code, skipped.reason_params) == "Name skip2 already has one."
    assert JobItem.objects.get(job=job, key="c1").result == {"link": "https://example.test/approve/c1"}
    assert JobItem.objects.filter(job=job, processed_at__isnull=True).count() == 0

    (created,) = events(job, "job.created")
    (finished,) = events(job, "job.finished")
    assert created.actor == partner_admin and finished.actor is None
    assert describe(created) == "Background job \u201cTest echo job\u201d started for 8 items."
    assert describe(finished) == ("Background job \u201cTest echo job\u201d finished: 5 done, 2 skipped, 1 failed, "
                                  "0 cancelled of 8.")


def test_each_chunk_costs_the_same_few_queries(partner, partner_admin, no_enqueue):
    """No per-item query in the engine: twice the chunks, the difference is a constant per chunk."""
    counts = []
    for n in (6, 12):
        job = make(partner, partner_admin, [f"c{i}" for i in range(n)])
        with CaptureQueriesContext(connection) as ctx:
            services.job_run(job_id=job.id)
        counts.append(len(ctx.captured_queries))
    per_chunk = (counts[1] - counts[0]) / 2  # 2 more chunks of 3
    assert per_chunk == int(per_chunk) and per_chunk <= 9, counts  # incl. the handler's one bulk_create


def test_the_handler_gets_chunks_of_chunk_size_in_position_order(partner, partner_admin, no_enqueue):
    calls: list[list[str]] = []

    def record(job, items):  # noqa: ANN001, ANN202
        calls.append([item.key for item in items])
        for item in items:
            item.mark_done()

    kind = register(JobKind(name="tests.record", label="Record", perm=Perm.CUSTOMERS_VIEW, handler=record,
                            chunk_size=4))
    try:
        job = services.job_create(tenant=partner, actor=partner_admin, kind=kind,
                                  items=((f"k{i}", "") for i in range(10)))  # a generator
        services.job_run(job_id=job.id)
    finally:
        unregister(kind.name)
    assert calls == [["k0", "k1", "k2", "k3"], ["k4", "k5", "k6", "k7"], ["k8", "k9"]]


def test_keys_are_deduplicated_and_the_first_label_wins(partner, partner_admin, no_enqueue):
    job = services.job_create(tenant=partner, actor=partner_admin, kind=ECHO.name,
                              items=[("a", "First"), ("b", "B"), ("a", "Second"), ("c", "C"), ("b", "B2")])
    assert job.total == 3
    rows = list(JobItem.objects.filter(job=job).order_by("position").values_list("position", "key", "label"))
    assert rows == [(1, "a", "First"), (2, "b", "B"), (3, "c", "C")]


@pytest.mark.parametrize(("items", "field"), [([], "items"), ([("x" * 201, "")], "items"), ([("", "")], "items")])
def test_bad_items_create_nothing(partner, partner_admin, items, field):
    with pytest.raises(Invalid) as caught:
        services.job_create(tenant=partner, actor=partner_admin, kind=ECHO.name, items=items)
    assert caught.value.field == field
    assert not Job.objects.exists() and not JobItem.objects.exists() and not ActivityLog.objects.exists()


def test_an_unknown_kind_is_refused_at_create(partner, partner_admin):
    with pytest.raises(Invalid):
        services.job_create(tenant=partner, actor=partner_admin, kind="nope", items=[("a", "")])


def test_a_job_whose_kind_disappeared_fails_its_items(partner, partner_admin, no_enqueue):
    job = make(partner, partner_admin, ["c1", "c2"])
    Job.objects.filter(pk=job.pk).update(kind="tests.gone")
    assert services.job_run(job_id=job.id) == JobStatus.FAILED
    job.refresh_from_db()
    assert (job.status, job.failed) == (JobStatus.FAILED, 2)
    assert reason_text(job.kind, "unknown_kind") == "This kind of job is no longer available."


def test_creating_queues_the_run_after_commit(partner, partner_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = make(partner, partner_admin, ["c1", "c2", "c3", "c4"])
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == 4  # eager in the tests: the task ran


# --- Cancel ---------------------------------------------------------------------------------------


def test_cancelling_a_queued_job_ends_it_at_once(partner, partner_admin, no_enqueue):
    job = make(partner, partner_admin, ["c1", "c2", "c3", "c4"])
    job = services.job_cancel(job=job, actor=partner_admin)
    assert job.status == JobStatus.CANCELLED and job.finished_at
    assert (job.cancelled, job.done) == (4, 0) and job.cancel_requested_by == partner_admin
    assert set(statuses(job).values()) == {ItemStatus.CANCELLED}
    assert services.job_run(job_id=job.id) == JobStatus.CANCELLED  # a late worker does nothing
    assert side_effects(job) == []
    assert len(events(job, "job.cancelled")) == 1 and len(events(job, "job.finished")) == 1


def test_cancelling_a_running_job_between_chunks(partner, partner_admin, no_enqueue):
    job = make(partner, partner_admin, [f"c{i}" for i in range(9)])
    assert services.job_run(job_id=job.id, max_seconds=1e-9) == "paused"  # one chunk, then the slice ends
    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.RUNNING, 3)
    job = services.job_cancel(job=job, actor=partner_admin)
    # No chunk was in flight: nothing to wait for.
    assert (job.status, job.done, job.cancelled) == (JobStatus.CANCELLED, 3, 6)
    assert services.job_run(job_id=job.id) == JobStatus.CANCELLED
    assert side_effects(job) == ["c0", "c1", "c2"]


def test_a_cancelling_job_is_finished_by_its_runner(partner, partner_admin, no_enqueue):
    """The runner stops before its next chunk: what another runner's chunk held is left to it."""
    job = make(partner, partner_admin, [f"c{i}" for i in range(6)])
    services.job_run(job_id=job.id, max_seconds=1e-9)
    # As job_cancel leaves it while a chunk is in flight (that chunk's items locked, so still pending):
    Job.objects.filter(pk=job.pk).update(status=JobStatus.CANCELLING)
    assert services.job_run(job_id=job.id) == JobStatus.CANCELLED
    job.refresh_from_db()
    assert (job.done, job.cancelled) == (3, 3)
    assert services.job_counts(job=job) == {"done": 3, "cancelled": 3, "total": 6}


@pytest.mark.parametrize("final", [JobStatus.DONE, JobStatus.CANCELLED, JobStatus.FAILED])
def test_a_finished_job_cannot_be_cancelled(partner, partner_admin, no_enqueue, final):
    job = make(partner, partner_admin, ["c1"])
    Job.objects.filter(pk=job.pk).update(status=final)
    before = ActivityLog.objects.count()
    with pytest.raises(Conflict) as caught:
        services.job_cancel(job=job, actor=partner_admin)
    assert caught.value.status == 409 and "already ended" in caught.value.message
    assert ActivityLog.objects.count() == before


def test_a_second_cancel_while_cancelling_changes_nothing(partner, partner_admin, no_enqueue):
    job = make(partner, partner_admin, ["c1"])
    Job.objects.filter(pk=job.pk).update(status=JobStatus.CANCELLING)
    before = ActivityLog.objects.count()
    assert services.job_cancel(job=job, actor=partner_admin).status == JobStatus.CANCELLING
    assert ActivityLog.objects.count() == before


# --- Errors, re-runs, resume ------------------------------------------------------------------------


def test_a_handler_exception_fails_only_the_item_that_raises(partner, partner_admin, no_enqueue, caplog):
    job = make(partner, partner_admin, ["c1", "boom2", "c3", "c4"])
    assert services.job_run(job_id=job.id) == JobStatus.DONE
    job.refresh_from_db()
    assert (job.done, job.failed) == (3, 1)
    boom = JobItem.objects.get(job=job, key="boom2")
    assert (boom.status, boom.reason_code, boom.result) == (ItemStatus.FAILED, "error", {})
    assert reason_text(job.kind, "error") == "An unexpected error occurred. Nothing was changed for this item."
    # The chunk call's writes were rolled back; its items ran again one at a time: each exactly once.
    assert side_effects(job) == ["c1", "c3", "c4"]
    assert "handler bug on boom2" in caplog.text


def test_an_item_the_handler_leaves_pending_fails(partner, partner_admin, no_enqueue):
    kind = register(JobKind(name="tests.lazy", label="Lazy", perm=Perm.CUSTOMERS_VIEW, handler=lambda job, items: None))
    try:
        job = services.job_create(tenant=partner, actor=partner_admin, kind=kind, items=[("a", ""), ("b", "")])
        assert services.job_run(job_id=job.id) == JobStatus.DONE
    finally:
        unregister(kind.name)
    assert set(JobItem.objects.filter(job=job).values_list("status", "reason_code")) == {(ItemStatus.FAILED, "error")}


def test_running_a_finished_job_again_does_nothing(partner, partner_admin, no_enqueue):
    job = make(partner, partner_admin, ["c1", "c2", "c3", "c4"])
    services.job_run(job_id=job.id)
    entries = ActivityLog.objects.count()
    assert services.job_run(job_id=job.id) == JobStatus.DONE
    assert side_effects(job) == ["c1", "c2", "c3", "c4"] and ActivityLog.objects.count() == entries
    assert services.job_run(job_id="00000000-0000-4000-8000-000000000000") == "missing"


def test_a_crash_mid_chunk_leaves_its_items_pending_and_a_second_run_finishes_once(partner, partner_admin,
                                                                                     no_enqueue):
    keys = [f"c{i}" for i in range(1, 10)]
    job = make(partner, partner_admin, keys, crash_once="c5")
    with pytest.raises(SimulatedCrash):
        services.job_run(job_id=job.id)  # the worker "dies" in the second chunk (c4, c5, c6)
    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.RUNNING, 3)
    assert [k for k, s in sorted(statuses(job).items()) if s == ItemStatus.PENDING] == ["c4", "c5", "c6", "c7", "c8",
                                                                                         "c9"]
    assert side_effects(job) == ["c1", "c2", "c3"]  # the crashed chunk's rows were rolled back

    assert services.jobs_resume() == 0  # its heartbeat is fresh: not stale yet
    assert services.jobs_resume(stale_seconds=0) == 1  # the beat task re-queues it (eager here: it runs)

    job.refresh_from_db()
    assert (job.status, job.done, job.failed) == (JobStatus.DONE, 9, 0)
    assert side_effects(job) == sorted(keys)  # every item exactly once
    assert len(events(job, "job.finished")) == 1
    assert services.jobs_resume(stale_seconds=0) == 0  # finished jobs are not resumed


def test_a_job_whose_message_was_lost_is_resumed_from_its_creation_time(partner, partner_admin, no_enqueue):
    job = make(partner, partner_admin, ["c1"])  # queued, never picked up, no heartbeat
    assert services.jobs_resume(stale_seconds=3600) == 0
    assert services.jobs_resume(stale_seconds=0) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_a_kind_declares_a_real_permission_and_its_own_reason_codes():
    with pytest.raises(ValueError, match="not a permission"):
        JobKind(name="x", label="X", perm="nope", handler=lambda job, items: None)
    with pytest.raises(ValueError, match="engine"):
        JobKind(name="x", label="X", perm=Perm.CUSTOMERS_VIEW, handler=lambda job, items: None,
                reason_texts={"error": "mine"})
    with pytest.raises(ValueError, match="twice"):
        register(JobKind(name=ECHO.name, label="Other", perm=Perm.CUSTOMERS_VIEW, handler=lambda job, items: None))
