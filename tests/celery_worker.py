"""A real Celery worker process and a throwaway redis-server for the integration tests.

This module is used two ways:

* As the worker's Celery app: ``python -m celery -A tests.celery_worker worker ...``. It is the
  project's own app (``partnercenter.celery.app``, loaded with ``tests.settings``) plus the overrides
  a worker under test needs, read from the environment (only when PC_INTEGRATION_WORKER=1): a real
  broker, no eager mode, the test's own queue (so the tasks the worker queues itself, e.g. the
  notification mails, come back to it) and optional broker transport options. tests/settings.py stays
  untouched: the worker reaches the pytest-django test database because TEST_DATABASE_URL is handed
  to it with the *test* database name in its path (tests/settings.py builds DATABASES from it).
* Imported by tests/test_integration_celery.py for CeleryWorker, RedisServer and wait_until.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

from partnercenter.celery import app  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
WORKER_FLAG = "PC_INTEGRATION_WORKER"

if os.environ.get(WORKER_FLAG) == "1":
    _transport_options = dict(app.conf.broker_transport_options or {})
    _transport_options.update(json.loads(os.environ.get("PC_TEST_TRANSPORT_OPTIONS") or "{}"))
    app.conf.update(
        broker_url=os.environ["CELERY_BROKER_URL"],
        task_always_eager=False,
        task_default_queue=os.environ["PC_TEST_QUEUE"],
        broker_transport_options=_transport_options,
        # The job kind the background-job tests use lives in the tests, not in app code.
        imports=(*tuple(app.conf.imports or ()), "tests.jobs_support"),
        # Optional {task name: {"queue": …}}: bench/gdap_bulk.py parks the mail deliveries the job queues
        # on a queue of their own, so the worker's time and memory are the job's.
        task_routes=json.loads(os.environ.get("PC_TEST_TASK_ROUTES") or "null") or app.conf.task_routes,
    )


def wait_until(
    predicate: Callable[[], Any],
    *,
    timeout: float = 20.0,
    interval: float = 0.2,
    what: str = "",
    details: Callable[[], str] | None = None,
) -> Any:
    """Poll until `predicate()` is truthy and return its value. A bounded wait, not a timing assertion:
    the bound only keeps a broken system from hanging the suite. `details()` explains a give-up."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            extra = ""
            if details is not None:
                try:
                    extra = "\n" + details()
                except Exception as exc:  # noqa: BLE001
                    extra = f"\n(no details: {exc!r})"
            raise AssertionError(f"gave up after {timeout:.0f}s waiting for: {what or predicate}{extra}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_ping(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except Exception:
        return False
    finally:
        client.close()


class RedisServer:
    """`redis-server` on a free port, without persistence: killing it loses every queued message."""

    def __init__(self, log_path: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--daemonize", "no"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        wait_until(lambda: self._alive() and redis_ping(self.url), timeout=timeout, interval=0.05,
                   what=f"redis-server on port {self.port}")

    def _alive(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"redis-server exited with {self.proc.returncode}: {self.log_path.read_text()[-2000:]}")
        return True

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None


class CeleryWorker:
    """`celery worker --pool=solo --concurrency=1 -Q <queue>` (by default) in its own process."""

    def __init__(
        self,
        *,
        broker_url: str,
        queue: str,
        database_url: str,
        log_path: Path,
        transport_options: dict[str, Any] | None = None,
        task_routes: dict[str, Any] | None = None,
        pool: str = "solo",
        concurrency: int = 1,
        settings_module: str = "tests.settings",
    ) -> None:
        self.broker_url = broker_url
        self.queue = queue
        self.database_url = database_url
        self.log_path = log_path
        self.transport_options = transport_options or {}
        self.task_routes = task_routes or {}
        # The benchmarks run the production shape (prefork, 2 processes) and their own settings module.
        self.pool, self.concurrency, self.settings_module = pool, concurrency, settings_module
        self.name = f"pcint-{uuid.uuid4().hex[:8]}@pctest"
        self.proc: subprocess.Popen | None = None

    def start(self) -> CeleryWorker:
        env = os.environ.copy()
        env.update(
            {
                WORKER_FLAG: "1",
                "DJANGO_SETTINGS_MODULE": self.settings_module,
                "CELERY_BROKER_URL": self.broker_url,
                "PC_TEST_QUEUE": self.queue,
                "PC_TEST_TRANSPORT_OPTIONS": json.dumps(self.transport_options),
                "PC_TEST_TASK_ROUTES": json.dumps(self.task_routes),
                # tests/settings.py takes DATABASES from this URL; its path is the test database.
                "TEST_DATABASE_URL": self.database_url,
                "PYTHONUNBUFFERED": "1",
            }
        )
        command = [
            sys.executable, "-m", "celery", "-A", "tests.celery_worker", "worker",
            f"--pool={self.pool}", f"--concurrency={self.concurrency}", "-Q", self.queue, "-l", "warning", "-n", self.name,
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""

    def check_alive(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            code = None if self.proc is None else self.proc.returncode
            raise RuntimeError(f"celery worker {self.name} is not running (exit {code}). Log:\n{self.log_tail()}")

    def wait_ready(self, timeout: float = 45.0) -> CeleryWorker:
        """Until the worker answers a control ping (only while it is idle: the solo pool runs tasks on
        the thread that answers pings)."""
        from celery import Celery

        probe = Celery("pc-integration-probe", broker=self.broker_url, set_as_current=False, fixups=[])
        probe.conf.broker_connection_timeout = 1
        try:

            def answered() -> bool:
                self.check_alive()
                try:
                    return bool(probe.control.ping(destination=[self.name], timeout=0.5))
                except Exception:
                    return False

            wait_until(answered, timeout=timeout, interval=0.1, what=f"celery worker {self.name} to answer a ping")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nWorker log:\n{self.log_tail()}") from None
        finally:
            probe.close()
        return self

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no ack, no cleanup — what an OOM kill or a lost host looks like."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # warm shutdown: finishes the current task
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
