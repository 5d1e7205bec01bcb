"""The acceptances' coalesced wake-up (a burst of clicks costs a drain task per slot, not a task each) and the
drain: oldest first, each claimed with its delivery count, processed once; a failing one goes on with a
task of its own."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from customers.models import RelationshipStatus, ResellerRelationship
from invitations import services, tasks
from invitations.models import Acceptance, AcceptanceStatus
from invitations.services import processing
from partnercenter.models import OutboxEmail
from partnercenter.roles import Role
from tests.factories import TenantFactory, member
from tests.test_outbox_drain import REDIS_CACHE, worker_mode  # noqa: F401  (a fixture)


@pytest.fixture
def queued(monkeypatch):  # noqa: ANN001, ANN201
    """The acceptance tasks queued, recorded instead of sent to a broker."""
    recorded: list[tuple[str, tuple, dict]] = []
    for task in (tasks.acceptance_drain_task, tasks.acceptance_process_task):
        monkeypatch.setattr(task, "apply_async", lambda args=(), task=task, **kw: recorded.append(
            (task.name.rsplit(".", 1)[1], tuple(args), kw)))
    return recorded


@pytest.fixture
def shared_cache(settings, worker_mode, queued):  # noqa: ANN001, ANN201, F811
    """Production's shape: a worker, and a cache every process shares (Redis)."""
    from tests.test_integration_celery import require_redis

    require_redis()
    settings.CACHES = REDIS_CACHE
    settings.ACCEPTANCE_DRAINS = 2
    cache.clear()
    yield queued
    cache.clear()


def _clicks(partner, partner_admin, n: int, capture) -> list[Acceptance]:  # noqa: ANN001
    """n customers each accepting their own link, each click in a transaction of its own (as n requests)."""
    made = []
    for i in range(n):
        customer = TenantFactory(name=f"Kunde {i:02d} AG", country="DE")
        admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
        _request, raw = services.invitation_create(partner=partner, actor=partner_admin, include_dap=False)
        with capture(execute=True):
            made.append(services.invitation_accept(raw_token=raw, user=admin, customer=customer))
    return made


@pytest.mark.django_db
def test_a_burst_of_clicks_queues_one_drain_per_slot_and_the_drain_processes_each_once_oldest_first(
        shared_cache, partner, partner_admin, django_capture_on_commit_callbacks):  # noqa: ANN001
    made = _clicks(partner, partner_admin, 6, django_capture_on_commit_callbacks)
    assert shared_cache == [("acceptance_drain", (0,), {"retry": False}), ("acceptance_drain", (1,), {"retry": False})]
    assert set(Acceptance.objects.values_list("status", flat=True)) == {AcceptanceStatus.PROCESSING}

    order = []
    original = processing.acceptance_process
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(processing, "acceptance_process",
                      lambda **kw: (order.append(kw["acceptance_id"]), original(**kw))[1])
        assert services.acceptances_drain(slot=0, limit=100) == 6
    assert order == [a.id for a in made]  # oldest first
    assert cache.get(processing.WAKE_KEY.format(0)) is None  # a click from now on may queue drain 0 again
    assert cache.get(processing.WAKE_KEY.format(1)) is not None
    assert list(Acceptance.objects.values_list("status", "deliveries").distinct()) == [(AcceptanceStatus.SUCCEEDED, 1)]
    assert ResellerRelationship.objects.filter(partner=partner, status=RelationshipStatus.ACTIVE).count() == 6
    assert OutboxEmail.objects.filter(kind="request_accepted").count() == 6
    assert services.acceptances_drain(slot=1, limit=100) == 0  # the other slot's drain finds nothing left
    assert len(shared_cache) == 2  # and nothing more was queued: no task per acceptance


@pytest.mark.django_db
def test_the_drain_leaves_retrying_rows_to_their_task_and_hands_over_at_its_limit(
        shared_cache, partner, partner_admin, django_capture_on_commit_callbacks):  # noqa: ANN001
    first, *rest = _clicks(partner, partner_admin, 4, django_capture_on_commit_callbacks)
    Acceptance.objects.filter(id=first.id).update(deliveries=1)  # in its own task's retry backoff
    cache.clear()
    assert services.acceptances_drain(slot=0, limit=2) == 2
    assert shared_cache[-1] == ("acceptance_drain", (0,), {"retry": False})  # the limit: a successor is woken
    statuses = dict(Acceptance.objects.values_list("id", "status"))
    assert statuses[first.id] == AcceptanceStatus.PROCESSING
    assert [statuses[a.id] for a in rest] == [AcceptanceStatus.SUCCEEDED, AcceptanceStatus.SUCCEEDED,
                                              AcceptanceStatus.PROCESSING]
    assert services.acceptances_drain(slot=0, limit=10) == 1
    assert Acceptance.objects.get(id=first.id).status == AcceptanceStatus.PROCESSING  # still its own task's


@pytest.mark.django_db
def test_an_acceptance_that_raises_in_the_drain_goes_on_with_its_own_task_and_nothing_of_it_stays(
        shared_cache, partner, partner_admin, django_capture_on_commit_callbacks):  # noqa: ANN001
    bad, good = _clicks(partner, partner_admin, 2, django_capture_on_commit_callbacks)
    del shared_cache[:]

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("database went away")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(processing, "notify_partner", broken)  # after the relationship was written
        assert services.acceptances_drain(slot=1, limit=10) == 0
    assert shared_cache == [("acceptance_process", (str(bad.id),), {"countdown": 5}),
                            ("acceptance_drain", (1,), {"countdown": 5})]
    bad.refresh_from_db()
    assert (bad.status, bad.deliveries) == (AcceptanceStatus.PROCESSING, 1)  # the delivery counts, the work is undone
    assert not ResellerRelationship.objects.filter(customer=bad.customer).exists()
    assert Acceptance.objects.get(id=good.id).deliveries == 0  # for the successor
    assert services.acceptances_drain(slot=1, limit=10) == 1  # the successor takes the rest
    assert tasks.acceptance_process_task.run(str(bad.id)) == "succeeded"  # and its own task the failed one
    assert Acceptance.objects.get(id=bad.id).deliveries == 2


@pytest.mark.django_db
def test_without_a_shared_cache_each_click_queues_its_own_task(
        worker_mode, queued, partner, partner_admin, django_capture_on_commit_callbacks):  # noqa: ANN001, F811
    made = _clicks(partner, partner_admin, 2, django_capture_on_commit_callbacks)
    assert queued == [("acceptance_process", (str(a.id),), {"retry": False}) for a in made]


@pytest.mark.django_db
def test_a_dead_broker_leaves_the_click_standing_for_the_sweep(
        shared_cache, partner, partner_admin, django_capture_on_commit_callbacks, monkeypatch):  # noqa: ANN001
    def down(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.acceptance_drain_task, "apply_async", down)
    (made,) = _clicks(partner, partner_admin, 1, django_capture_on_commit_callbacks)
    assert Acceptance.objects.get(id=made.id).status == AcceptanceStatus.PROCESSING
    assert cache.get(processing.WAKE_KEY.format(0)) is None  # the next click tries again


@pytest.mark.django_db
def test_a_wake_up_during_a_drain_queues_the_next_drain(
        shared_cache, partner, partner_admin, django_capture_on_commit_callbacks, monkeypatch):  # noqa: ANN001
    _clicks(partner, partner_admin, 1, django_capture_on_commit_callbacks)
    del shared_cache[:]
    claim = processing._acceptance_claim_next
    calls = []

    def claim_then_click():  # noqa: ANN202
        if not calls:  # a customer clicks while the drain has started: its slot is free already
            processing.acceptance_wake()
        calls.append(1)
        return claim()

    monkeypatch.setattr(processing, "_acceptance_claim_next", claim_then_click)
    cache.set(processing.WAKE_KEY.format(0), 1)
    cache.set(processing.WAKE_KEY.format(1), 1)
    assert services.acceptances_drain(slot=0, limit=10) == 1
    assert shared_cache == [("acceptance_drain", (0,), {"retry": False})]


@pytest.mark.django_db
def test_with_coalescing_the_sweep_wakes_a_drain_for_lost_clicks_and_requeues_stale_rows_on_their_own(
        shared_cache, partner, partner_admin, django_capture_on_commit_callbacks):  # noqa: ANN001
    lost, stale = _clicks(partner, partner_admin, 2, django_capture_on_commit_callbacks)
    cache.clear()
    del shared_cache[:]
    from datetime import timedelta

    from django.utils import timezone
    Acceptance.objects.filter(id=stale.id).update(deliveries=1, last_delivery_at=timezone.now() - timedelta(hours=1))
    assert services.acceptances_sweep(older_than_seconds=0) == 2
    assert shared_cache == [("acceptance_drain", (0,), {"retry": False}),
                            ("acceptance_process", (str(stale.id),), {"retry": False})]
