"""The outbox's coalesced wake-up (a burst of mails costs a few drain tasks, not one each) and the drain's
batched claims (several rows per commit, each still sent at most once)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from partnercenter import outbox, tasks
from partnercenter.celery import app
from partnercenter.models import OutboxEmail, OutboxStatus
from tests.settings import REDIS_TEST_URL
from tests.test_worker_connections import _row, _state, counting  # noqa: F401  (a fixture)

REDIS_CACHE = {"default": {"BACKEND": "partnercenter.cache.RedisCache", "LOCATION": REDIS_TEST_URL}}


@pytest.fixture
def published(monkeypatch):  # noqa: ANN001, ANN201
    """The tasks the outbox queues, recorded instead of sent to a broker."""
    queued: list[tuple[str, tuple, dict]] = []
    for task in (tasks.outbox_drain_task, tasks.outbox_deliver_task):
        monkeypatch.setattr(task, "apply_async",
                            lambda args=(), task=task, **kw: queued.append((task.name.rsplit(".", 1)[1], tuple(args), kw)))
    return queued


@pytest.fixture
def worker_mode():  # noqa: ANN201
    """Tasks go to a broker (as from a web process with a worker), not run in-process."""
    saved = app.conf.task_always_eager
    app.conf.update(task_always_eager=False)
    yield
    app.conf.update(task_always_eager=saved)


@pytest.fixture
def shared_cache(settings, worker_mode, published):  # noqa: ANN001, ANN201
    """Production's shape: a worker, and a cache every process shares (Redis)."""
    from tests.test_integration_celery import require_redis

    require_redis()
    settings.CACHES = REDIS_CACHE
    cache.clear()
    yield published
    cache.clear()


def _names(queued: list) -> list[str]:
    return [name for name, _args, _kw in queued]


def _create(to: str) -> OutboxEmail:
    return outbox.outbox_email_create_raw(to_email=to, subject="Hi", body="x", language="en", kind="test_kind")


@pytest.mark.django_db
def test_a_burst_of_mails_queues_one_drain_per_slot_and_a_started_drain_frees_its_slot(
        shared_cache, settings, django_capture_on_commit_callbacks):  # noqa: ANN001
    settings.OUTBOX_DRAINS = 2
    rows = []
    for i in range(50):  # each in a transaction of its own, as fifty requests would
        with django_capture_on_commit_callbacks(execute=True):
            rows.append(_create(f"admin{i}@contoso.example"))
    assert shared_cache == [("outbox_drain", (0,), {"retry": False}), ("outbox_drain", (1,), {"retry": False})]
    outbox.outbox_wake_taken(0)  # drain 0 has started: the next mail queues a successor in that slot
    with django_capture_on_commit_callbacks(execute=True):
        _create("late@contoso.example")
    assert shared_cache[2:] == [("outbox_drain", (0,), {"retry": False})]
    assert all(row.status == OutboxStatus.PENDING for row in rows) and mail.outbox == []


@pytest.mark.django_db
def test_the_wake_up_waits_for_the_commit_and_a_rolled_back_mail_wakes_nothing(
        shared_cache, django_capture_on_commit_callbacks):  # noqa: ANN001
    with django_capture_on_commit_callbacks(execute=True):
        _create("a@contoso.example")
        assert shared_cache == []
    assert _names(shared_cache) == ["outbox_drain"]
    cache.clear()
    shared_cache.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _create("b@contoso.example")
            raise RuntimeError
    assert callbacks == [] and shared_cache == []


@pytest.mark.django_db
def test_a_dead_broker_frees_the_slot_so_the_next_mail_tries_again(shared_cache, monkeypatch):  # noqa: ANN001
    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.outbox_drain_task, "apply_async", refuse)
    outbox.outbox_wake([1])  # never raises: the row waits for the sweep
    assert cache.get(outbox.WAKE_KEY.format(0)) is None


@pytest.mark.django_db
def test_without_a_shared_cache_each_row_has_its_own_task(published, worker_mode, django_capture_on_commit_callbacks):  # noqa: ANN001
    # The tests' cache is process-local (locmem): a worker could not clear its key.
    with django_capture_on_commit_callbacks(execute=True):
        rows = [_row(f"admin{i}@contoso.example") for i in range(3)]
        outbox.outbox_send_on_commit([row.id for row in rows])
    assert published == [("outbox_deliver", (row.id,), {"retry": False}) for row in rows]


@pytest.mark.django_db
def test_the_drain_claims_a_batch_per_commit_and_sends_oldest_first_each_once(counting, settings):  # noqa: ANN001, F811
    settings.OUTBOX_CLAIM_SIZE = 3
    rows = [_row(f"admin{i}@contoso.example") for i in range(7)]
    OutboxEmail.objects.filter(pk=rows[0].pk).update(status=OutboxStatus.SENDING, attempts=1)  # another worker's
    assert outbox.outbox_drain(connection=None, limit=5) == 5
    assert [m.to[0] for m in mail.outbox] == [row.to_email for row in rows[1:6]]
    assert [_state(row) for row in rows] == [(OutboxStatus.SENDING, 1)] + [(OutboxStatus.SENT, 1)] * 5 + [
        (OutboxStatus.PENDING, 0)]
    assert outbox.outbox_drain(connection=None, limit=5) == 1
    assert outbox.outbox_drain(connection=None, limit=5) == 0 and len(mail.outbox) == 6


@pytest.mark.django_db
def test_a_refusal_in_a_batch_keeps_the_sent_rows_sent_and_releases_the_untried_ones(counting, settings):  # noqa: ANN001, F811
    settings.OUTBOX_CLAIM_SIZE = 4
    sent, refused, untried, later = (_row(f"{name}@contoso.example") for name in ("anna", "refuse", "bob", "cleo"))
    with pytest.raises(outbox.OutboxSendFailed) as raised:
        outbox.outbox_drain(connection=None, limit=10)
    assert raised.value.email_id == refused.id
    assert _state(sent) == (OutboxStatus.SENT, 1)
    assert _state(refused) == (OutboxStatus.PENDING, 1)  # its own task retries it, with backoff
    assert OutboxEmail.objects.get(pk=refused.pk).last_error.startswith("SMTPServerDisconnected")
    for row in (untried, later):  # never tried: due again for the next drain, as if never claimed
        assert _state(row) == (OutboxStatus.PENDING, 0)
        assert OutboxEmail.objects.get(pk=row.pk).claimed_at is None
    assert outbox.outbox_drain(connection=None, limit=10) == 2
    assert [m.to[0] for m in mail.outbox] == [sent.to_email, untried.to_email, later.to_email]


@pytest.mark.django_db
def test_the_drain_task_frees_its_slot_and_queues_a_successor_when_more_wait(counting, shared_cache, settings):  # noqa: ANN001, F811
    settings.OUTBOX_DRAIN_MAX = 2
    rows = [_row(f"admin{i}@contoso.example") for i in range(3)]
    cache.set(outbox.WAKE_KEY.format(1), 1)  # this drain was queued in slot 1
    assert tasks.outbox_drain_task(1) == 2
    assert cache.get(outbox.WAKE_KEY.format(1)) is None
    assert shared_cache == [("outbox_drain", (0,), {"retry": False})]  # the third row's successor
    assert [_state(row)[0] for row in rows] == [OutboxStatus.SENT, OutboxStatus.SENT, OutboxStatus.PENDING]


@pytest.mark.django_db
def test_a_refusal_in_the_drain_task_retries_that_row_and_drains_again_later(counting, published, settings):  # noqa: ANN001, F811
    _ok, refused = _row("anna@contoso.example"), _row("refuse@contoso.example")
    assert tasks.outbox_drain_task(0) == 0
    assert published == [("outbox_deliver", (refused.id,), {"countdown": 5}), ("outbox_drain", (0,), {"countdown": 5})]


@pytest.mark.django_db
def test_the_sweep_wakes_the_drain_for_never_tried_rows_and_queues_stale_retries_alone(shared_cache):  # noqa: ANN001
    old = timezone.now() - timedelta(hours=1)
    fresh, retry = _row("a@contoso.example"), _row("b@contoso.example")
    OutboxEmail.objects.filter(pk=fresh.pk).update(created_at=old)
    OutboxEmail.objects.filter(pk=retry.pk).update(created_at=old, attempts=1, claimed_at=old)
    assert outbox.outbox_sweep() == 2
    assert shared_cache == [("outbox_drain", (0,), {"retry": False}), ("outbox_deliver", (retry.id,), {"retry": False})]


@pytest.mark.django_db
def test_a_sweep_with_only_a_stale_retry_wakes_no_drain(shared_cache):  # noqa: ANN001
    old = timezone.now() - timedelta(hours=1)
    retry = _row("b@contoso.example")
    OutboxEmail.objects.filter(pk=retry.pk).update(created_at=old, attempts=1, claimed_at=old)
    assert outbox.outbox_sweep() == 1
    assert shared_cache == [("outbox_deliver", (retry.id,), {"retry": False})]
