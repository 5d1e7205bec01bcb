"""Background jobs through real Celery worker processes (tests/celery_worker.py), real Redis and
PostgreSQL: a job created in a request's transaction runs on the worker; a worker killed in the middle
of a job loses its uncommitted chunk only, and a restarted worker plus the resume sweep finish the job
with every item processed exactly once. Waits are bounded polls, never timing assertions."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
import redis
from django.conf import settings
from django.db import connection

from jobs import services
from jobs.models import ItemStatus, Job, JobItem, JobStatus
from partnercenter.models import ActivityLog
from tests.celery_worker import CeleryWorker, redis_ping, wait_until
from tests.jobs_support import ECHO, side_effects
from tests.test_integration_celery import celery_app_routed, require_postgres, require_redis, worker_database_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

REDIS_URL = settings.REDIS_TEST_URL
WAIT = 60.0


@pytest.fixture
def start_worker(django_db_setup, tmp_path, monkeypatch) -> Iterator[Callable[..., CeleryWorker]]:  # noqa: ANN001
    require_postgres()
    require_redis(REDIS_URL)
    assert redis_ping(REDIS_URL)
    redis.Redis.from_url(REDIS_URL).flushdb()
    # Short slices: a job of the worker runs as several tasks (each queues the next).
    monkeypatch.setenv("JOBS_TASK_SECONDS", "1")
    started: list[CeleryWorker] = []

    def start(queue: str, **transport_options: object) -> CeleryWorker:
        process = CeleryWorker(broker_url=REDIS_URL, queue=queue, database_url=worker_database_url(),
                               log_path=tmp_path / f"worker-{len(started)}.log",
                               transport_options=dict(transport_options)).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
    redis.Redis.from_url(REDIS_URL).flushdb()


def job_state(job_id: object) -> str:
    job = Job.objects.get(pk=job_id)
    return f"job {job.status}: {job.done} done, {job.total} total, heartbeat {job.heartbeat_at}"


def wait_done(job: Job, worker: CeleryWorker) -> None:
    def done() -> bool:
        worker.check_alive()
        return Job.objects.get(pk=job.pk).status == JobStatus.DONE

    wait_until(done, timeout=WAIT, what=f"job {job.id} to finish",
               details=lambda: job_state(job.id) + "\n" + worker.log_tail())


def other_sessions() -> set[int]:
    """The other sessions on the test database (by backend pid). Sessions that another test of this
    worker process left open are there before the worker starts: callers compare with a snapshot."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        return {row[0] for row in cursor.fetchall()}


def finished_entries(job: Job) -> int:
    return sum(1 for e in ActivityLog.objects.filter(kind="job.finished") if e.data.get("job") == str(job.id))


def test_a_job_runs_on_the_worker(partner, partner_admin, start_worker):
    queue = f"pc-jobs-{uuid.uuid4().hex[:10]}"
    worker = start_worker(queue).wait_ready()
    keys = [f"c{i}" for i in range(40)] + ["skip1", "fail1"]
    with celery_app_routed(REDIS_URL, queue):
        job = services.job_create(tenant=partner, actor=partner_admin, kind=ECHO.name,
                                  items=[(k, k) for k in keys])  # queued after commit, to the broker
        wait_done(job, worker)
    job.refresh_from_db()
    assert (job.done, job.skipped, job.failed) == (40, 1, 1)
    assert side_effects(job) == sorted(keys[:40])
    assert finished_entries(job) == 1


def test_a_killed_worker_loses_nothing_and_the_job_finishes_once(partner, partner_admin, start_worker):
    queue = f"pc-jobs-{uuid.uuid4().hex[:10]}"
    # With acks_late the killed worker's message stays unacknowledged; Redis hands it out again after
    # the visibility timeout (5 s here), so the restarted worker may run the job twice at once as
    # well as from the resume sweep: the item locks keep that exactly-once.
    transport = {"visibility_timeout": 5, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}
    before = other_sessions()
    first = start_worker(queue, **transport)
    first.wait_ready()
    keys = [f"c{i:03d}" for i in range(60)]
    with celery_app_routed(REDIS_URL, queue):
        job = services.job_create(tenant=partner, actor=partner_admin, kind=ECHO.name, params={"sleep": 0.3},
                                  items=[(k, k) for k in keys])

        def some_done() -> bool:
            first.check_alive()
            return Job.objects.get(pk=job.pk).done >= 9

        wait_until(some_done, timeout=WAIT, what="the first worker to get through a few chunks",
                   details=lambda: job_state(job.id) + "\n" + first.log_tail())
        first.kill()  # SIGKILL in the middle of the job (most likely inside a chunk's sleep)
        wait_until(lambda: not other_sessions() - before, timeout=WAIT, what="the killed worker's session to end")

        job.refresh_from_db()
        assert job.status == JobStatus.RUNNING and 9 <= job.done < 60
        # Committed chunks are complete; the chunk the worker died in left nothing behind.
        assert side_effects(job) == sorted(JobItem.objects.filter(job=job, status=ItemStatus.DONE)
                                           .values_list("key", flat=True))
        assert JobItem.objects.filter(job=job, status=ItemStatus.PENDING).count() == 60 - job.done

        second = start_worker(queue, **transport)
        second.wait_ready()
        assert services.jobs_resume(stale_seconds=0) == 1  # what the beat task does once the heartbeat is old
        wait_done(job, second)

    job.refresh_from_db()
    assert (job.done, job.skipped, job.failed, job.cancelled) == (60, 0, 0, 0)
    assert Counter(side_effects(job)) == dict.fromkeys(keys, 1)  # every item exactly once
    assert finished_entries(job) == 1
    assert services.jobs_resume(stale_seconds=0) == 0
