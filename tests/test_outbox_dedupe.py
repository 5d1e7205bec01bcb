"""The outbox's dedupe key (one message per key, ever) and send_after (not sent before it is due)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from partnercenter.models import OutboxEmail, OutboxStatus
from partnercenter.services import outbox_email_create, outbox_email_create_raw, outbox_email_deliver, outbox_sweep
from tests.concurrency import outcomes, race, require_postgres


def _create(key: str | None = None, *, to: str = "anna@contoso.example", send_after=None, subject: str = "Hi"):
    return outbox_email_create_raw(to_email=to, subject=subject, body="Body", language="en", kind="test_kind",
                                   dedupe_key=key, send_after=send_after)


def gdap_expiry_reminders(relationship_id: int, expires_on, today) -> list[OutboxEmail]:
    """What the coming GDAP reminder job will do: at 30, 7 and 1 days before expiry, one mail each, on
    every run of the job (it runs daily or more often, and may run twice)."""
    rows = []
    for days in (30, 7, 1):
        due = expires_on - timedelta(days=days)
        if due <= today:
            rows.append(_create(f"gdap-expiry:{relationship_id}:{days}d", subject=f"Expires in {days} days"))
    return rows


@pytest.mark.django_db(transaction=True)
def test_a_second_create_with_the_same_key_returns_the_first_row_and_sends_nothing_more():
    first = _create("welcome:1")
    second = _create("welcome:1", subject="A different subject")
    assert second.pk == first.pk and second.subject == "Hi"
    assert OutboxEmail.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["Hi"]
    assert OutboxEmail.objects.get().status == OutboxStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_the_rendering_create_deduplicates_too(partner):
    context = {"customer": partner, "partner": partner, "services": [], "admin_center_url": "x"}
    first = outbox_email_create(to_email="a@contoso.example", template="dap_removed", context=context,
                                language="en", dedupe_key="dap-removed:1")
    again = outbox_email_create(to_email="a@contoso.example", template="dap_removed", context=context,
                                language="de", dedupe_key="dap-removed:1")
    assert again.pk == first.pk and again.language == "en"
    assert OutboxEmail.objects.count() == 1 and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_rows_without_a_key_may_repeat():
    _create()
    _create()
    assert OutboxEmail.objects.count() == 2 and len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_gdap_expiry_reminders_at_30_7_and_1_days_are_sent_exactly_once_each():
    expires_on = timezone.localdate() + timedelta(days=40)
    for day in range(0, 41):
        for _run in range(2):  # the job may run twice a day
            gdap_expiry_reminders(5, expires_on, timezone.localdate() + timedelta(days=day))
    assert sorted(m.subject for m in mail.outbox) == ["Expires in 1 days", "Expires in 30 days", "Expires in 7 days"]
    assert OutboxEmail.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_dedupe_inside_a_rolled_back_transaction_leaves_the_key_free():
    with pytest.raises(RuntimeError), transaction.atomic():
        _create("once")
        raise RuntimeError
    assert not OutboxEmail.objects.exists()
    row = _create("once")
    assert OutboxEmail.objects.get().pk == row.pk and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_row_is_not_sent_before_send_after_and_the_sweep_sends_it_once_due():
    row = _create(send_after=timezone.now() + timedelta(days=7))
    assert mail.outbox == []  # not queued on commit
    assert outbox_email_deliver(email_id=row.id) is False  # a stray task for it does nothing
    assert outbox_sweep(pending_older_than_seconds=0) == 0  # the sweep leaves it alone while not due
    assert OutboxEmail.objects.get().status == OutboxStatus.PENDING and mail.outbox == []

    OutboxEmail.objects.filter(pk=row.pk).update(send_after=timezone.now() - timedelta(seconds=1))  # time passes
    assert outbox_sweep() == 1  # due: picked up at once, without the never-tried grace period
    assert OutboxEmail.objects.get().status == OutboxStatus.SENT and len(mail.outbox) == 1
    assert outbox_sweep(pending_older_than_seconds=0) == 0


@pytest.mark.django_db(transaction=True)
def test_a_row_due_already_is_sent_on_commit():
    _create(send_after=timezone.now() - timedelta(minutes=1))
    assert OutboxEmail.objects.get().status == OutboxStatus.SENT and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_with_the_same_key_make_one_row():
    require_postgres()

    def create(i: int) -> int:
        with transaction.atomic():
            return _create("race:1", subject=f"racer {i}").pk

    results = race(12, create)
    assert outcomes(results) == {"ok": 12}
    assert len({value for _kind, value in results}) == 1
    assert OutboxEmail.objects.filter(dedupe_key="race:1").count() == 1
    assert len(mail.outbox) == 1
