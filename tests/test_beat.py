"""The in-process beat of the embedded demo (partnercenter/beat.py): the schedule's tasks run when due,
each once per interval, a failing one does not stop the others, and a real sweep task runs through it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from partnercenter.beat import Beat, start_in_process_beat
from partnercenter.models import OutboxEmail, OutboxStatus
from partnercenter.services import outbox_email_create_raw

SCHEDULE = {"fast": {"task": "t.fast", "schedule": timedelta(seconds=30)},
            "slow": {"task": "t.slow", "schedule": 60}}


def test_due_entries_run_once_per_interval():
    ran: list[str] = []
    beat = Beat(SCHEDULE, now=100.0, run=ran.append)
    assert beat.tick(100.0) == ["fast", "slow"]  # everything once at start
    assert beat.tick(110.0) == []
    assert beat.tick(130.0) == ["fast"]
    assert beat.tick(160.0) == ["fast", "slow"]
    assert ran == ["t.fast", "t.slow", "t.fast", "t.fast", "t.slow"]
    assert beat.wait(160.0) == 30.0


def test_a_task_that_raises_is_logged_and_the_others_still_run(caplog):
    ran: list[str] = []

    def run(task: str) -> None:
        if task == "t.fast":
            raise RuntimeError("boom")
        ran.append(task)

    assert Beat(SCHEDULE, run=run).tick(0.0) == ["fast", "slow"]
    assert ran == ["t.slow"] and "t.fast" in caplog.text


def test_the_project_schedule_is_understood():
    assert "outbox-sweep" in Beat().entries  # every CELERY_BEAT_SCHEDULE entry is an interval it can run


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_no_thread_when_tasks_go_to_a_broker():
    assert start_in_process_beat() is None


@pytest.mark.django_db(transaction=True)
def test_a_paced_mail_goes_out_through_the_in_process_outbox_sweep():
    row = outbox_email_create_raw(to_email="anna@northwind.example", subject="Hi", body="x", language="en",
                                  kind="relationship_request", send_after=timezone.now() + timedelta(hours=1))
    beat = Beat({"outbox-sweep": {"task": "partnercenter.tasks.outbox_sweep", "schedule": timedelta(seconds=60)}})
    beat.tick(0.0)
    assert OutboxEmail.objects.get(pk=row.pk).status == OutboxStatus.PENDING  # not due yet
    OutboxEmail.objects.filter(pk=row.pk).update(send_after=timezone.now() - timedelta(seconds=1))
    beat.tick(60.0)
    assert OutboxEmail.objects.get(pk=row.pk).status == OutboxStatus.SENT
    assert [m.to for m in mail.outbox] == [["anna@northwind.example"]]
