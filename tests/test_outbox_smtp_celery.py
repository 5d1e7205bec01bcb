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

from partnercenter.models import OutboxEmail, OutboxStatus
from partnercenter.services import outbox_email_create_raw
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


@pytest.fixture
def smtp_worker(django_db_setup, sink, tmp_path: Path, monkeypatch) -> Iterator[CeleryWorker]:  # noqa: ANN001
    """A worker whose settings are the tests' with the SMTP backend pointed at the sink."""
    require_postgres()
    require_redis()
    redis.Redis.from_url(REDIS_URL).flushdb()
    _handler, port = sink
    (tmp_path / "smtp_worker_settings.py").write_text(
        "from tests.settings import *  # noqa: F403\n"
        "EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'\n"
        f"EMAIL_HOST, EMAIL_PORT, EMAIL_TIMEOUT = '127.0.0.1', {port}, 10\n")
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


def test_a_worker_sends_each_due_mail_once_over_one_smtp_connection(smtp_worker, sink):  # noqa: ANN001
    handler, _port = sink
    addresses = [f"admin{i}@contoso.example" for i in range(6)]
    rows = [outbox_email_create_raw(to_email=a, subject="Accepted", body="Body", language="en", kind="request_accepted")
            for a in addresses]

    def all_sent() -> bool:
        return OutboxEmail.objects.filter(pk__in=[r.pk for r in rows], status=OutboxStatus.SENT).count() == len(rows)

    wait_until(all_sent, what="the worker to send every mail", details=smtp_worker.log_tail)
    assert Counter(handler.recipients) == Counter(addresses)  # each once
    assert set(OutboxEmail.objects.values_list("attempts", flat=True)) == {1}
    assert handler.connections == 1  # connect and EHLO once for the six mail tasks
