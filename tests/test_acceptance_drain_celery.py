"""Integration: a real Celery worker (prefork, two processes) with the cache shared with the web process
drains a burst of acceptances: a few drain tasks instead of one task per click, two drains side by side
taking different rows (FOR NO KEY UPDATE SKIP LOCKED), each acceptance processed once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.db import transaction

from customers.models import RelationshipStatus, ResellerRelationship
from invitations import services
from invitations.models import Acceptance, AcceptanceStatus
from invitations.tasks import acceptance_drain_task, acceptance_process_task
from partnercenter.models import OutboxEmail
from partnercenter.roles import Role
from tests.celery_worker import CeleryWorker, wait_until
from tests.factories import TenantFactory, member
from tests.test_integration_celery import (
    REDIS_URL,
    celery_app_routed,
    require_postgres,
    require_redis,
    unique_queue,
    wait_quiet,
    worker_database_url,
)
from tests.test_outbox_smtp_celery import SHARED_CACHE

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draining_worker(django_db_setup, settings, tmp_path: Path, monkeypatch) -> Iterator[CeleryWorker]:  # noqa: ANN001
    require_postgres()
    require_redis()
    redis.Redis.from_url(REDIS_URL).flushdb()
    settings.CACHES = SHARED_CACHE
    (tmp_path / "drain_worker_settings.py").write_text(
        f"from tests.settings import *  # noqa: F403\nCACHES = {SHARED_CACHE!r}\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    process = CeleryWorker(broker_url=REDIS_URL, queue=unique_queue(), database_url=worker_database_url(),
                           log_path=tmp_path / "worker.log", settings_module="drain_worker_settings",
                           pool="prefork", concurrency=2).start()
    try:
        process.wait_ready()
        with celery_app_routed(process.broker_url, process.queue):
            yield process
            wait_quiet(process)
    finally:
        process.stop()


def test_a_worker_drains_a_burst_of_acceptances_each_once_with_a_few_tasks(
        draining_worker, partner, partner_admin, monkeypatch):  # noqa: ANN001
    published = Counter()
    for task in (acceptance_drain_task, acceptance_process_task):
        monkeypatch.setattr(task, "apply_async", lambda *a, task=task, _orig=task.apply_async, **kw: (
            published.update([task.name.rsplit(".", 1)[1]]), _orig(*a, **kw))[1])
    links = []
    for i in range(40):
        customer = TenantFactory(name=f"Kunde {i:02d} AG", country="DE")
        links.append((customer, member(customer, Role.CUSTOMER_GLOBAL_ADMIN),
                      services.invitation_create(partner=partner, actor=partner_admin, include_dap=False)[1]))
    with transaction.atomic():  # one commit: its forty wake-ups come in a burst, faster than a worker starts
        made = [services.invitation_accept(raw_token=raw, user=admin, customer=customer)
                for customer, admin, raw in links]

    def all_done() -> bool:
        return Acceptance.objects.filter(status=AcceptanceStatus.SUCCEEDED).count() == len(made)

    wait_until(all_done, what="the worker to process every acceptance", details=draining_worker.log_tail)
    assert set(Acceptance.objects.values_list("deliveries", flat=True)) == {1}  # each claimed once
    assert ResellerRelationship.objects.filter(partner=partner, status=RelationshipStatus.ACTIVE).count() == len(made)
    assert OutboxEmail.objects.filter(kind="request_accepted").count() == len(made)
    assert set(published) == {"acceptance_drain"} and published["acceptance_drain"] < len(made) // 4
    assert services.acceptances_sweep(older_than_seconds=0) == 0


def test_the_claim_takes_the_oldest_unclaimed_row_counts_it_once_and_skips_a_row_another_drain_holds(
        partner, partner_admin, monkeypatch):  # noqa: ANN001
    """The PostgreSQL claim statement, in autocommit as in a worker."""
    import psycopg
    from django.db import connection

    from invitations.services import processing

    require_postgres()
    monkeypatch.setattr(acceptance_process_task, "apply_async", lambda *a, **kw: None)  # the clicks stay queued
    made = []
    for i in range(3):
        customer = TenantFactory(name=f"Kunde {i:02d} AG", country="DE")
        admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
        raw = services.invitation_create(partner=partner, actor=partner_admin, include_dap=False)[1]
        made.append(services.invitation_accept(raw_token=raw, user=admin, customer=customer))
    first, second, third = made
    Acceptance.objects.filter(id=third.id).update(deliveries=1)  # retrying with a task of its own
    params = connection.get_connection_params()
    other = psycopg.connect(**{k: v for k, v in params.items() if k in ("dbname", "user", "host", "port", "password")})
    try:
        other.execute(f"SELECT 1 FROM {Acceptance._meta.db_table} WHERE id = %s FOR UPDATE", [first.id])
        assert processing._acceptance_claim_next() == second.id  # the held row is skipped, not waited for
        other.rollback()
    finally:
        other.close()
    assert processing._acceptance_claim_next() == first.id
    assert processing._acceptance_claim_next() is None
    assert dict(Acceptance.objects.values_list("id", "deliveries")) == {first.id: 1, second.id: 1, third.id: 1}
