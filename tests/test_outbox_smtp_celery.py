"""Integration: a real Celery worker delivering outbox mail to a real SMTP server (aiosmtpd on 127.0.0.1)
keeps one SMTP connection across its mail tasks, sends each due mail exactly once and marks it sent."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import transaction

from partnercenter.models import OutboxEmail, OutboxStatus
from partnercenter.services import outbox_email_create_raw
from partnercenter.tasks import outbox_deliver_task, outbox_drain_task
from tests.celery_worker import CeleryWorker, free_port, wait_until
from tests.test_integration_celery import (
    REDIS_URL,
    celery_app_routed,
    require_postgres,
    require_redis,
    unique_queue,
    wait_quiet,
    worker_database_url,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class Recording:
    """Keeps every message's recipients and counts the SMTP connections (one EHLO each)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.recipients: list[str] = []
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: ANN001, ANN201, N802
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        with self.lock:
            self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def sink() -> Iterator[tuple[Recording, int]]:
    handler, port = Recording(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


# The cache web processes and workers share in production (Redis); the tests' own is process-local.
SHARED_CACHE = {"default": {"BACKEND": "partnercenter.cache.RedisCache", "LOCATION": REDIS_URL}}


@pytest.fixture(params=["locmem", "redis"])
def cache_kind(request, settings) -> str:  # noqa: ANN001
    """locmem: each mail has its task; redis: a shared cache, so wake-ups coalesce into drain tasks."""
    if request.param == "redis":
        settings.CACHES = SHARED_CACHE
    return request.param


@pytest.fixture
def smtp_worker(django_db_setup, sink, cache_kind, tmp_path: Path, monkeypatch) -> Iterator[CeleryWorker]:  # noqa: ANN001
    """A worker whose settings are the tests' with the SMTP backend pointed at the sink (and, for
    cache_kind redis, the cache shared with this process)."""
    require_postgres()
    require_redis()
    redis.Redis.from_url(REDIS_URL).flushdb()
    _handler, port = sink
    (tmp_path / "smtp_worker_settings.py").write_text(
        "from tests.settings import *  # noqa: F403\n"
        "EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'\n"
        f"EMAIL_HOST, EMAIL_PORT, EMAIL_TIMEOUT = '127.0.0.1', {port}, 10\n"
        + (f"CACHES = {SHARED_CACHE!r}\n" if cache_kind == "redis" else ""))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    process = CeleryWorker(broker_url=REDIS_URL, queue=unique_queue(), database_url=worker_database_url(),
                           log_path=tmp_path / "worker.log", settings_module="smtp_worker_settings").start()
    try:
        process.wait_ready()
        with celery_app_routed(process.broker_url, process.queue):
            yield process
            wait_quiet(process)
    finally:
        process.stop()


def test_a_worker_sends_each_due_mail_once_over_one_smtp_connection(smtp_worker, sink, cache_kind, monkeypatch):  # noqa: ANN001
    handler, _port = sink
    published = Counter()
    for task in (outbox_deliver_task, outbox_drain_task):
        monkeypatch.setattr(task, "apply_async", lambda *a, task=task, _orig=task.apply_async, **kw: (
            published.update([task.name.rsplit(".", 1)[1]]), _orig(*a, **kw))[1])
    addresses = [f"admin{i}@contoso.example" for i in range(6 if cache_kind == "locmem" else 60)]
    with transaction.atomic():  # one commit: its sixty wake-ups come in a burst, faster than a worker starts
        rows = [outbox_email_create_raw(to_email=a, subject="Accepted", body="Body", language="en",
                                        kind="request_accepted") for a in addresses]

    def all_sent() -> bool:
        return OutboxEmail.objects.filter(pk__in=[r.pk for r in rows], status=OutboxStatus.SENT).count() == len(rows)

    wait_until(all_sent, what="the worker to send every mail", details=smtp_worker.log_tail)
    assert Counter(handler.recipients) == Counter(addresses)  # each once
    assert set(OutboxEmail.objects.values_list("attempts", flat=True)) == {1}
    assert handler.connections == 1  # connect and EHLO once for all the mail tasks
    if cache_kind == "locmem":
        assert published == {"outbox_deliver": len(rows)}
    else:  # sixty wake-ups: a few drain tasks (one per free slot when each came), no task per mail
        assert set(published) == {"outbox_drain"} and published["outbox_drain"] < len(rows) // 4
