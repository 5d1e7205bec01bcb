"""Workers reuse their PostgreSQL connection (CELERY_DB_REUSE_MAX, Django's CONN_MAX_AGE policy around each
task) and their mail connection across mail tasks, without sending a mail twice."""

from __future__ import annotations

import smtplib
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.utils import timezone

from partnercenter import tasks
from partnercenter.celery import app, db_connections_tidy
from partnercenter.models import OutboxEmail, OutboxStatus
from partnercenter.services import OutboxSendFailed

WORKER_TASK = SimpleNamespace(request=SimpleNamespace(is_eager=False))
EAGER_TASK = SimpleNamespace(request=SimpleNamespace(is_eager=True))


class CountingBackend(LocmemBackend):
    """locmem, counting the connections opened, refusing mail to refuse@… like a server gone away."""

    opened = 0

    def open(self) -> bool:
        if getattr(self, "is_open", False):
            return False
        CountingBackend.opened += 1
        self.is_open = True
        return True

    def close(self) -> None:
        self.is_open = False

    def send_messages(self, messages):  # noqa: ANN001, ANN201
        if any(address.startswith("refuse@") for message in messages for address in message.to):
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def counting(settings):  # noqa: ANN001, ANN201
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.opened = 0
    tasks.mail_connection_drop()
    yield CountingBackend
    tasks.mail_connection_drop()


def _row(to: str) -> OutboxEmail:
    # Written directly: outbox_email_create would send it at once (tasks run eagerly in the tests).
    return OutboxEmail.objects.create(to_email=to, subject=f"For {to}", body="Body", language="en", kind="test_kind")


def _state(row: OutboxEmail) -> tuple[str, int]:
    return OutboxEmail.objects.values_list("status", "attempts").get(pk=row.pk)


# --- PostgreSQL --------------------------------------------------------------------------------


def test_celerys_django_fixup_is_told_to_reuse_connections():
    # The fixup reads CELERY_DB_REUSE_MAX through the app's configuration; unset, it closes every task's connection.
    assert DjangoWorkerFixup(app).db_reuse_max >= 1000


@pytest.mark.django_db(transaction=True)
def test_the_fixup_no_longer_closes_the_connection_around_a_task():
    connection.ensure_connection()
    raw = connection.connection
    fixup = DjangoWorkerFixup(app)
    for _ in range(10):  # task_prerun and task_postrun of five tasks
        fixup.close_database()
    assert connection.connection is raw


@pytest.mark.django_db(transaction=True)
def test_around_a_task_a_fresh_connection_stays_and_one_past_conn_max_age_is_closed():
    connection.ensure_connection()
    raw = connection.connection
    connection.close_at = None  # as with CONN_MAX_AGE=None (tests.settings uses 0: closed after each use)
    db_connections_tidy(sender=WORKER_TASK)
    assert connection.connection is raw
    assert connection.health_check_done is False  # CONN_HEALTH_CHECKS checks it again before the next query

    connection.close_at = time.monotonic() - 1  # older than CONN_MAX_AGE
    db_connections_tidy(sender=EAGER_TASK)  # an eager task runs in the caller's request: left alone
    assert connection.connection is raw
    db_connections_tidy(sender=WORKER_TASK)
    assert connection.connection is None
    assert OutboxEmail.objects.count() == 0  # and the next query opens a new one


# --- Mail --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_workers_mail_task_drains_the_due_mails_over_one_connection_and_sends_each_once(counting):
    rows = [_row(f"admin{i}@contoso.example") for i in range(3)]
    assert tasks.outbox_deliver_task(rows[0].id) is True  # called as a worker calls it: not eager
    # Its rows' own tasks come later and find them sent: nothing is sent twice.
    assert [tasks.outbox_deliver_task(row.id) for row in rows] == [False, False, False]
    assert counting.opened == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.to_email for r in rows)
    assert all(_state(row) == (OutboxStatus.SENT, 1) for row in rows)


@pytest.mark.django_db
def test_the_drain_sends_at_most_the_batch_and_never_a_row_claimed_failed_retrying_or_not_due(counting, settings):  # noqa: ANN001
    settings.OUTBOX_BATCH_SIZE = 2
    first, lost, retrying, later, *rest = [_row(f"admin{i}@contoso.example") for i in range(7)]
    OutboxEmail.objects.filter(pk=lost.pk).update(status=OutboxStatus.FAILED)  # the sweep gave up on it
    OutboxEmail.objects.filter(pk=retrying.pk).update(attempts=1)  # waits in its task's backoff
    OutboxEmail.objects.filter(pk=later.pk).update(send_after=timezone.now() + timedelta(days=1))
    assert tasks.outbox_deliver_task(first.id) is True
    # The batch: the two oldest due rows; the third waits for the next task.
    assert [_state(row) for row in rest] == [(OutboxStatus.SENT, 1), (OutboxStatus.SENT, 1), (OutboxStatus.PENDING, 0)]
    assert _state(lost) == (OutboxStatus.FAILED, 0)
    assert _state(retrying) == (OutboxStatus.PENDING, 1)
    assert _state(later) == (OutboxStatus.PENDING, 0)
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_a_mail_refused_in_the_drain_goes_to_its_own_retrying_task(counting, monkeypatch):  # noqa: ANN001
    queued = []
    monkeypatch.setattr(tasks.outbox_deliver_task, "apply_async", lambda **kw: queued.append(kw))
    first, refused, after = _row("anna@contoso.example"), _row("refuse@contoso.example"), _row("bob@contoso.example")
    assert tasks.outbox_deliver_task(first.id) is True
    assert _state(refused) == (OutboxStatus.PENDING, 1)
    assert queued == [{"args": (refused.id,), "countdown": 5}]
    assert _state(after) == (OutboxStatus.PENDING, 0)  # the batch stopped; the next task takes it
    assert counting.opened == 1 and tasks._mail["connection"] is None  # the suspect connection was dropped


@pytest.mark.django_db
def test_a_failed_send_drops_the_shared_connection_and_the_row_waits_for_its_retry(counting):
    refused, after = _row("refuse@contoso.example"), _row("anna@contoso.example")
    with pytest.raises(OutboxSendFailed):
        tasks.outbox_deliver_task(refused.id)
    assert _state(refused) == (OutboxStatus.PENDING, 1)  # counted, retried later with backoff: nothing was sent
    assert tasks.outbox_deliver_task(after.id) is True
    assert counting.opened == 2  # the next mail opened a new connection
    assert [m.to for m in mail.outbox] == [["anna@contoso.example"]]


@pytest.mark.django_db
def test_an_idle_or_reconfigured_connection_is_replaced(counting, settings):  # noqa: ANN001
    first = tasks.mail_connection()
    assert tasks.mail_connection() is first
    tasks._mail["used"] = time.monotonic() - tasks.MAIL_IDLE_SECONDS - 1
    second = tasks.mail_connection()
    assert second is not first and first.is_open is False
    settings.EMAIL_PORT = 2525
    assert tasks.mail_connection() is not second
    assert counting.opened == 3


@pytest.mark.django_db
def test_a_server_that_cannot_be_reached_leaves_the_failure_to_the_row(settings):  # noqa: ANN001
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # discard port: refused
    tasks.mail_connection_drop()
    row = _row("anna@contoso.example")
    assert tasks.mail_connection() is None
    with pytest.raises(OutboxSendFailed):
        tasks.outbox_deliver_task(row.id)
    assert _state(row) == (OutboxStatus.PENDING, 1)
    assert "ConnectionRefusedError" in OutboxEmail.objects.get(pk=row.pk).last_error
