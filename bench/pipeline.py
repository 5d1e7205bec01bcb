"""What bench/acceptance_pipeline.py and bench/outbox_mail.py share: the helpers of gdap_bulk.py (database,
worker, broker) and api.py (gunicorn), loaded once, and the worker in the shape the issue measures.

Not a benchmark of its own (no `main`). The worker is tests/celery_worker.py's CeleryWorker with the
PRODUCTION settings (partnercenter.settings, configured from the environment by customers_list.py's
`configure_django`), `--pool=prefork --concurrency=2`, acks_late and prefetch 1 as settings.py sets them.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/api.py would shadow `api`
sys.path.insert(0, str(ROOT))


def _load(name: str, file: str):  # noqa: ANN202
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


gdap = _load("bench_gdap_bulk", "gdap_bulk.py")  # db_params, ensure_database, broker_routed, proc_kib, step, done
api = _load("bench_api", "api.py")  # gunicorn_start, fetch, free_port; api.base is customers_list.py
base = api.base

DEFAULT_BROKER = "redis://127.0.0.1:6379/4"
DEFAULT_CACHE = "redis://127.0.0.1:6379/5"  # cache and sessions of gunicorn and the worker, as in production
QUEUE = "celery"  # Celery's default queue: what gunicorn publishes to with the production settings
PARKED = "bench-parked"  # a queue no worker reads


def setup(url: str, broker_url: str) -> str:
    """Create/migrate the bench database, configure Django (production settings, in-process tasks and the
    cache in the database here), empty the broker and cache databases, and hand the cache's Redis
    (BENCH_CACHE_URL) to the processes started later, as REDIS_URL. Returns the PostgreSQL version."""
    import redis

    cache_url = os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE)
    for redis_url in (broker_url, cache_url):
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    gdap.ensure_database(gdap.db_params(url))
    base.configure_django(url)
    os.environ["REDIS_URL"] = cache_url  # read by gunicorn's and the worker's settings, not by this process's
    redis.Redis.from_url(cache_url).flushdb()
    from django.core.management import call_command
    from django.db import connection

    t0 = gdap.step("migrate")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    gdap.done(t0)
    redis.Redis.from_url(broker_url).flushdb()
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        return cur.fetchone()[0]


def start(title: str, default_url: str) -> str | None:
    """A pipeline bench's opening: its database (BENCH_DATABASE_URL, else `default_url`) and broker
    (BENCH_BROKER_URL), the title line, setup(), the versions line. The broker's URL, or None when it cannot run
    (said why)."""
    url = os.environ.get("BENCH_DATABASE_URL", default_url)
    broker = os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER)
    print(f"{title}, database {url.rsplit('/', 1)[-1]}, broker {broker}")
    try:
        version = setup(url, broker)
    except Exception as exc:  # noqa: BLE001
        print(f"cannot run: {exc}")
        return None
    print(f"  PostgreSQL {version}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    return broker


def worker_start(broker_url: str, log: Path, *, routes: dict | None = None):  # noqa: ANN201
    """One worker as production runs it (prefork, 2 processes, acks_late, prefetch 1), on QUEUE."""
    from tests.celery_worker import CeleryWorker

    worker = CeleryWorker(broker_url=broker_url, queue=QUEUE, database_url=os.environ["DATABASE_URL"], log_path=log,
                          task_routes=routes, pool="prefork", concurrency=2,
                          settings_module="partnercenter.settings").start()
    worker.wait_ready(timeout=90)
    gdap.broker_routed(broker_url, QUEUE)  # this process publishes to it too (no-op tasks, outbox deliveries)
    return worker


def queue_drained(broker_url: str) -> bool:
    """Nothing waiting in QUEUE and nothing delivered but unacknowledged (acks_late: a message stays in
    kombu's `unacked` hash until its task has finished)."""
    import redis

    client = redis.Redis.from_url(broker_url)
    return client.llen(QUEUE) == 0 and client.hlen("unacked") == 0


def noop_rate(broker_url: str, count: int, worker) -> float:  # noqa: ANN001
    """The floor: `count` no-op tasks (Celery's built-in `celery.accumulate`, which returns its arguments)
    through the same worker; tasks per second from the first publish until the queue is drained."""
    from partnercenter.celery import app

    started = time.perf_counter()
    for _ in range(count):
        app.send_task("celery.accumulate", args=(), ignore_result=True, queue=QUEUE)
    while not queue_drained(broker_url):
        worker.check_alive()
        time.sleep(0.005)
    return count / (time.perf_counter() - started)


def sessions_opened() -> int:
    """PostgreSQL sessions ever opened on this database (pg_stat_database, PostgreSQL 14+). The counters
    of other backends reach the statistics within about a second: callers wait before reading."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_clear_snapshot()")
        cur.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return int(cur.fetchone()[0])


def verdict(results: list[tuple[str, float, float]], strict: bool, checks: list[tuple[str, bool]]) -> int:
    """`PASS|FAIL <what> = <ratio> (target >= x)` lines and correctness lines; the exit status."""
    print()
    missed = 0
    for what, ratio, target in results:
        ok = ratio >= target
        missed += not ok
        print(f"{'PASS' if ok else 'FAIL'} {what} = {ratio:.3f} (target >= {target:g})")
    for what, ok in checks:
        missed += not ok
        print(f"{'PASS' if ok else 'FAIL'} {what}")
    return 1 if missed and strict else 0


# --- a local SMTP sink (aiosmtpd) in a process of its own ------------------------------------------

SINK = r"""
import signal, sys, time
from aiosmtpd.controller import Controller

class Counting:
    messages = sessions = 0
    last = 0.0  # time.time() when the last message was accepted

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        Counting.sessions += 1  # one EHLO per SMTP connection (no STARTTLS here)
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        Counting.messages += 1
        Counting.last = time.time()
        return "250 OK"

signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # the server thread inherits the mask
controller = Controller(Counting(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
signal.sigwait({signal.SIGTERM})
controller.stop()
print(Counting.messages, Counting.sessions, repr(Counting.last), flush=True)
"""


class SmtpSink:
    """aiosmtpd on 127.0.0.1 in its own process (not competing for this process's GIL): it accepts and
    discards every message and, when stopped, says how many messages and connections (EHLOs) it took and
    when (time.time(), in `last_accepted`) it accepted the last message."""

    def __init__(self) -> None:
        import subprocess

        self.port = api.free_port()
        self.last_accepted = 0.0
        self.proc = subprocess.Popen([sys.executable, "-c", SINK, str(self.port)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError(f"SMTP sink did not start: {self.proc.stderr.read()[-2000:]}")

    def stop(self) -> tuple[int, int]:
        """(messages, connections) it received."""
        self.proc.terminate()
        out, err = self.proc.communicate(timeout=30)
        try:
            messages, sessions, last = out.split()
            messages, sessions, self.last_accepted = int(messages), int(sessions), float(last)
        except ValueError:
            raise RuntimeError(f"SMTP sink ended without its counts: {err[-2000:]}") from None
        return messages, sessions
