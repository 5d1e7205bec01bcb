"""Bulk invitations through a real Celery worker process, Redis and PostgreSQL (tests/celery_worker.py):
a worker killed in the middle of the job loses its uncommitted chunk only and a restarted one finishes
it with one request and one mail per email; the same file uploaded twice sends nothing twice; Cancel
while it runs stops it and withdraws the mails not sent yet. Waits are bounded polls."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from invitations.models import RelationshipRequest
from invitations.services import bulk
from jobs import services as jobs_services
from jobs.models import ItemStatus, Job, JobItem, JobStatus
from partnercenter.models import OutboxEmail, OutboxStatus
from tests.celery_worker import wait_until
from tests.test_integration_celery import celery_app_routed
from tests.test_jobs_celery import REDIS_URL, WAIT, job_state, other_sessions, start_worker, wait_done  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def preview(partner, actor, emails: list[str]):  # noqa: ANN001, ANN201
    text = "".join(f"{email},Company {i}\n" for i, email in enumerate(emails))
    return bulk.bulk_preview_create(partner=partner, actor=actor, upload=SimpleUploadedFile("c.csv", text.encode()),
                                    include_dap=False, subject="Invitation", body="Hi [LINK]", language="en")


def mails_per_email() -> Counter:
    return Counter(OutboxEmail.objects.filter(kind="relationship_request").values_list("to_email", flat=True))


def requests_per_email() -> Counter:
    return Counter(RelationshipRequest.objects.values_list("email", flat=True))


def test_a_killed_worker_loses_nothing_and_every_customer_gets_one_request_and_one_mail(
        partner, partner_admin, start_worker, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PC_TEST_BULK_SLEEP", "0.3")  # the worker's chunks: 5 rows, then a pause
    queue = f"pc-bulk-{uuid.uuid4().hex[:10]}"
    transport = {"visibility_timeout": 5, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}
    before = other_sessions()
    first = start_worker(queue, **transport).wait_ready()
    emails = [f"c{i:03d}@northwind.example" for i in range(60)]
    with celery_app_routed(REDIS_URL, queue):
        job = bulk.bulk_send(bulk=preview(partner, partner_admin, emails), actor=partner_admin)

        def some_done() -> bool:
            first.check_alive()
            return Job.objects.get(pk=job.pk).done >= 10

        wait_until(some_done, timeout=WAIT, what="a few chunks", details=lambda: job_state(job.id) + first.log_tail())
        first.kill()
        wait_until(lambda: not other_sessions() - before, timeout=WAIT, what="the killed worker's session to end")
        job.refresh_from_db()
        assert job.status == JobStatus.RUNNING and 10 <= job.done < 60
        # Committed chunks are whole: a request and a mail for every done item, nothing for the rest.
        done = set(JobItem.objects.filter(job=job, status=ItemStatus.DONE).values_list("key", flat=True))
        assert set(requests_per_email()) == done == set(mails_per_email())

        second = start_worker(queue, **transport).wait_ready()
        assert jobs_services.jobs_resume(stale_seconds=0) == 1
        wait_done(job, second)
    job.refresh_from_db()
    assert (job.done, job.skipped, job.failed, job.cancelled) == (60, 0, 0, 0)
    assert requests_per_email() == dict.fromkeys(emails, 1)
    assert mails_per_email() == dict.fromkeys(emails, 1)


def test_the_same_file_uploaded_twice_sends_nothing_twice(partner, partner_admin, start_worker):  # noqa: F811
    queue = f"pc-bulk-{uuid.uuid4().hex[:10]}"
    worker = start_worker(queue).wait_ready()
    emails = [f"c{i:03d}@northwind.example" for i in range(30)]
    first, second = preview(partner, partner_admin, emails), preview(partner, partner_admin, emails)
    with celery_app_routed(REDIS_URL, queue):
        job1 = bulk.bulk_send(bulk=first, actor=partner_admin)
        job2 = bulk.bulk_send(bulk=second, actor=partner_admin)  # both queued before either ran
        wait_done(job1, worker)
        wait_done(job2, worker)
    job1.refresh_from_db()
    job2.refresh_from_db()
    assert job1.done + job2.done == 30 and job1.skipped + job2.skipped == 30
    assert requests_per_email() == dict.fromkeys(emails, 1)
    assert mails_per_email() == dict.fromkeys(emails, 1)


def test_cancel_while_running_stops_and_withdraws_the_mails_not_sent(partner, partner_admin, start_worker,  # noqa: F811
                                                                     monkeypatch, settings):
    monkeypatch.setenv("PC_TEST_BULK_SLEEP", "0.3")
    monkeypatch.setenv("BULK_INVITATION_MAILS_PER_MINUTE", "1")  # the worker's pace: one a minute
    queue = f"pc-bulk-{uuid.uuid4().hex[:10]}"
    worker = start_worker(queue).wait_ready()
    emails = [f"c{i:03d}@northwind.example" for i in range(60)]
    with celery_app_routed(REDIS_URL, queue):
        job = bulk.bulk_send(bulk=preview(partner, partner_admin, emails), actor=partner_admin)
        wait_until(lambda: Job.objects.get(pk=job.pk).done >= 5, timeout=WAIT, what="a first chunk",
                   details=lambda: job_state(job.id) + worker.log_tail())
        jobs_services.job_cancel(job=job, actor=partner_admin)

        def ended() -> bool:
            worker.check_alive()
            return Job.objects.get(pk=job.pk).status == JobStatus.CANCELLED

        wait_until(ended, timeout=WAIT, what="the job to be cancelled", details=lambda: job_state(job.id))
    job.refresh_from_db()
    assert job.cancelled > 0 and job.done + job.cancelled == 60
    sent = set(OutboxEmail.objects.filter(kind="relationship_request", status=OutboxStatus.SENT)
               .values_list("to_email", flat=True))
    # Only the first was due at once (it may have gone before the cancel or been withdrawn); every later one
    # was withdrawn, and no mail is left waiting.
    assert sent <= {emails[0]}
    assert not OutboxEmail.objects.filter(kind="relationship_request", status=OutboxStatus.PENDING).exists()
    withdrawn = OutboxEmail.objects.filter(kind="relationship_request", status=OutboxStatus.FAILED,
                                           last_error__startswith="withdrawn")
    assert withdrawn.count() >= 4  # the first chunk's later mails at least
    assert OutboxEmail.objects.filter(kind="relationship_request").count() == len(sent) + withdrawn.count()
    assert job.done == len(sent)  # an item whose mail was withdrawn counts as cancelled
    pending = set(RelationshipRequest.objects.filter(status="pending").values_list("email", flat=True))
    assert pending == sent  # the requests whose mail was withdrawn are revoked
