#!/usr/bin/env python
"""Benchmark: customers accepting tracked reseller-relationship requests over HTTP (a live gunicorn), processed
by a real Celery worker, against the same worker's rate for a no-op task, in one run.

    .venv/bin/python bench/acceptance_pipeline.py [--quick] [--count 1000] [--noop 3000] [--threads 4] [--strict]

Own PostgreSQL database (default postgres://postgres@127.0.0.1:5432/bench_pipe_accept, BENCH_DATABASE_URL to
change it; created and migrated when missing, the data rebuilt every run), Redis database 4 as the broker
(BENCH_BROKER_URL) and 5 for gunicorn's and the worker's cache and sessions (BENCH_CACHE_URL); both flushed. Production settings (partnercenter.settings) in gunicorn (2 workers) and in the
worker (tests/celery_worker.py's CeleryWorker, --pool=prefork --concurrency=2, acks_late, prefetch 1).

  floor       --noop no-op tasks (`celery.accumulate`) published to the worker's queue; tasks/s until drained.
  pipeline    --count customers (each a Global admin with a verified address and a signed-in session) POST
              "Accept" on their own addressed request (`/admin-center/partner-request/<token>/accept/`, with
              the CSRF cookie and header) from --threads threads; acceptances/s from the first POST until
              every acceptance has succeeded, its relationship is active and the partner's "accepted" mail
              row exists. The mails' delivery tasks go to a queue no worker reads (bench/outbox_mail.py
              measures sending). A warm-up of 20 acceptances is not timed.
  info        the worker alone (its consumer paused while --count more are posted); the HTTP side alone (those
              POSTs, the worker idle); a bare POST (the same sessions and CSRF through the same middleware to a
              view that only redirects) and what a bare POST plus a no-op task bound the pipeline at.
Prints `PASS|FAIL acceptances/s / no-op tasks/s = <ratio> (target >= 0.3)` and the correctness lines.
Exit 0 unless --strict and a miss (1); 2 when it cannot run. Not a test: timings vary by machine.
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pipeline  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_pipe_accept"
TARGET = 0.30
WARMUP = 20
PARTNER_DOMAIN = "bench-accept-partner.example"
WAIT = 900.0


def seed(n: int) -> tuple[object, list[tuple[str, str]]]:
    """A partner, n customers each with a Global admin, one addressed request each and a session each,
    written as a sign-in writes it in production (cached_db: the database and gunicorn's Redis cache).
    Returns the partner and (raw token, session key) per customer."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection, transaction
    from django.test.utils import override_settings

    from invitations import services
    from partnercenter.models import CompanyProfile, Membership, Tenant, TenantKind, User
    from partnercenter.roles import Role

    pipeline.gdap.reset_data()
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {Session._meta.db_table}")
    with transaction.atomic():
        partner = Tenant.objects.create(kind=TenantKind.PARTNER, name="Bench Acceptance Partner GmbH",
                                        primary_domain=PARTNER_DOMAIN, country="DE", mpn_id="9100002",
                                        partner_type="direct")
        CompanyProfile.objects.create(tenant=partner, legal_name=partner.name, support_email=f"support@{PARTNER_DOMAIN}")
        admin = User.objects.create_user(f"admin@{PARTNER_DOMAIN}", None)
        Membership.objects.create(user=admin, tenant=partner, role=Role.GLOBAL_ADMIN)
        customers = Tenant.objects.bulk_create(
            [Tenant(kind=TenantKind.CUSTOMER, name=f"Bench Annahme {i:06d} GmbH", primary_domain=f"a{i:06d}.example",
                    country="DE") for i in range(n)], batch_size=2000)
        unusable = make_password(None)
        users = User.objects.bulk_create([User(email=f"ga@a{i:06d}.example", password=unusable,
                                               language=("en", "de", "hu")[i % 3]) for i in range(n)], batch_size=2000)
        Membership.objects.bulk_create([Membership(user=u, tenant=c, role=Role.CUSTOMER_GLOBAL_ADMIN)
                                        for u, c in zip(users, customers, strict=True)], batch_size=2000)
        EmailAddress.objects.bulk_create([EmailAddress(user=u, email=u.email, verified=True, primary=True)
                                          for u in users], batch_size=2000)
    backend = settings.AUTHENTICATION_BACKENDS[0]
    pairs = []
    # The cache gunicorn's and the worker's settings read (REDIS_URL, pipeline.setup), for the sessions only.
    sessions_cache = override_settings(CACHES={"default": {"BACKEND": "partnercenter.cache.RedisCache",
                                                           "LOCATION": os.environ["REDIS_URL"]}})
    for user in users:
        _request, raw = services.invitation_create(partner=partner, actor=admin, include_dap=False,
                                                   customer_email=user.email)
        pairs.append((raw, user))
    with sessions_cache:
        for i, (raw, user) in enumerate(pairs):
            session = SessionStore()
            session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend,
                            HASH_SESSION_KEY: user.get_session_auth_hash()})
            session.create()
            pairs[i] = (raw, session.session_key)
    return partner, pairs


def post_all(port: int, pairs: list[tuple[str, str]], threads: int, *, bare: bool = False) -> list[str]:
    """POST every acceptance from `threads` threads (one keep-alive connection each); the failures. `bare`:
    the same POSTs (session, CSRF) to api.py's bare POST view instead, which does nothing but redirect."""
    from django.conf import settings

    todo: queue.Queue = queue.Queue()
    for pair in pairs:
        todo.put(pair)
    failures: list[str] = []

    def run() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            try:
                raw, session_key = todo.get_nowait()
            except queue.Empty:
                break
            csrf = secrets.token_hex(16)  # an unmasked 32-character secret, as the cookie holds it
            path = f"{pipeline.api.BARE_PATH}post/" if bare else f"/admin-center/partner-request/{raw}/accept/"
            conn.request("POST", path, body=b"",
                         headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}; "
                                            f"{settings.CSRF_COOKIE_NAME}={csrf}",
                                  "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded"})
            response = conn.getresponse()
            response.read()
            location = response.getheader("Location") or ""
            if response.status != 302 or (location != pipeline.api.BARE_PATH if bare
                                           else "/admin-center/acceptances/" not in location):
                failures.append(f"{response.status} {location}")
        conn.close()

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return failures


def wait_processed(partner, n: int, worker) -> None:  # noqa: ANN001
    from customers.models import RelationshipStatus, ResellerRelationship
    from invitations.models import Acceptance, AcceptanceStatus
    from partnercenter.models import OutboxEmail

    deadline = time.monotonic() + WAIT
    while True:
        worker.check_alive()
        if (Acceptance.objects.filter(status=AcceptanceStatus.SUCCEEDED).count() >= n
                and ResellerRelationship.objects.filter(partner=partner, status=RelationshipStatus.ACTIVE).count() >= n
                and OutboxEmail.objects.filter(kind="request_accepted", tenant=partner).count() >= n):
            return
        if Acceptance.objects.filter(status=AcceptanceStatus.FAILED).exists() or time.monotonic() > deadline:
            failed = list(Acceptance.objects.filter(status=AcceptanceStatus.FAILED).values_list("result_code",
                                                                                                 flat=True)[:5])
            raise RuntimeError(f"acceptances failed {failed} or timed out; worker log:\n{worker.log_tail()}")
        time.sleep(0.02)


def checks(partner, n: int) -> list[tuple[str, bool]]:  # noqa: ANN001
    from django.db.models import Count

    from customers.models import RelationshipStatus, ResellerRelationship
    from invitations.models import Acceptance, AcceptanceStatus
    from partnercenter.models import OutboxEmail

    ok = Acceptance.objects.filter(status=AcceptanceStatus.SUCCEEDED).count()
    twice = Acceptance.objects.filter(deliveries__gt=1).count()
    rels = ResellerRelationship.objects.filter(partner=partner, status=RelationshipStatus.ACTIVE).count()
    mails = OutboxEmail.objects.filter(kind="request_accepted", tenant=partner)
    dup = (mails.values("subject", "body").annotate(k=Count("id")).filter(k__gt=1).count())
    return [(f"every acceptance succeeded once: {ok}/{n} succeeded, {twice} delivered more than once, "
             f"{rels} active relationships, {mails.count()} partner mails ({dup} duplicated)",
             ok == rels == mails.count() == n and dup == 0)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=0, help="measured acceptances (1,000; quick 200)")
    parser.add_argument("--noop", type=int, default=0, help="no-op tasks of the floor (3,000; quick 1,000)")
    parser.add_argument("--threads", type=int, default=4, help="HTTP client threads")
    parser.add_argument("--quick", action="store_true", help="200 acceptances, 1,000 no-op tasks")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    count = args.count or (200 if args.quick else 1000)
    noops = args.noop or (1000 if args.quick else 3000)
    started = time.perf_counter()
    broker = pipeline.start(f"Acceptance pipeline benchmark — {count:,} acceptances", DEFAULT_URL)
    if broker is None:
        return 2
    t0 = pipeline.gdap.step(f"seeding {2 * count + WARMUP:,} customers, requests and sessions")
    partner, pairs = seed(2 * count + WARMUP)
    pipeline.gdap.done(t0)
    os.environ["CELERY_BROKER_URL"] = broker  # gunicorn queues the acceptances (this process is set up already)
    routes = {name: {"queue": pipeline.PARKED} for name in ("partnercenter.tasks.outbox_deliver",
                                                            "partnercenter.tasks.outbox_drain")}
    with tempfile.TemporaryDirectory(prefix="bench-accept-") as tmp:
        server = worker = None
        try:
            t0 = pipeline.gdap.step("starting gunicorn (2 workers) and the worker (prefork, 2 processes)")
            server, port = pipeline.api.gunicorn_start(Path(tmp))
            worker = pipeline.worker_start(broker, Path(tmp) / "worker.log", routes=routes)
            pipeline.gdap.done(t0)
            t0 = pipeline.gdap.step(f"warm-up: {WARMUP} acceptances, 200 no-op tasks")
            failures = post_all(port, pairs[:WARMUP], args.threads)
            if failures:
                raise RuntimeError(f"accept answered {failures[:3]}")
            wait_processed(partner, WARMUP, worker)
            pipeline.noop_rate(broker, 200, worker)
            pipeline.gdap.done(t0)
            t0 = pipeline.gdap.step(f"floor: {noops:,} no-op tasks")
            noop = pipeline.noop_rate(broker, noops, worker)
            pipeline.gdap.done(t0, f"({noop:,.0f} tasks/s)")
            t0 = pipeline.gdap.step(f"bare POSTs: {3 * count:,} through the same middleware, doing nothing")
            posting = time.perf_counter()
            failures = post_all(port, pairs[WARMUP:WARMUP + count] * 3, args.threads, bare=True)
            bare_posts = 3 * count / (time.perf_counter() - posting)
            if failures:
                raise RuntimeError(f"the bare POST answered {failures[:3]}")
            pipeline.gdap.done(t0, f"({bare_posts:,.0f} POSTs/s)")
            time.sleep(1.5)  # the worker's session counters reach pg_stat_database
            sessions_before = pipeline.sessions_opened()
            t0 = pipeline.gdap.step(f"pipeline: {count:,} acceptances over HTTP")
            measured = time.perf_counter()
            failures = post_all(port, pairs[WARMUP:WARMUP + count], args.threads)
            posted = time.perf_counter() - measured
            if failures:
                raise RuntimeError(f"accept answered {failures[:3]}")
            wait_processed(partner, count + WARMUP, worker)
            elapsed = time.perf_counter() - measured
            rate = count / elapsed
            pipeline.gdap.done(t0, f"({rate:,.1f} acceptances/s; all POSTs answered after {posted:.1f}s)")
            time.sleep(1.5)
            opened = pipeline.sessions_opened() - sessions_before
            # Info: the worker alone. Its consumer is paused while the next --count acceptances are posted,
            # then resumed: acceptances/s of the worker with a full queue, what the HTTP side leaves out.
            t0 = pipeline.gdap.step(f"worker alone: {count:,} acceptances queued first")
            from partnercenter.celery import app

            control = app.control
            control.cancel_consumer(pipeline.QUEUE, destination=[worker.name], reply=True, timeout=10)
            posting = time.perf_counter()
            failures = post_all(port, pairs[WARMUP + count:], args.threads)
            http_alone = count / (time.perf_counter() - posting)  # with the worker idle: the HTTP side's own rate
            if failures:
                raise RuntimeError(f"accept answered {failures[:3]}")
            resumed = time.perf_counter()
            control.add_consumer(pipeline.QUEUE, destination=[worker.name], reply=True, timeout=10)
            wait_processed(partner, 2 * count + WARMUP, worker)
            alone = count / (time.perf_counter() - resumed)
            pipeline.gdap.done(t0, f"({alone:,.1f} acceptances/s)")
        except Exception as exc:  # noqa: BLE001
            print(f"\ncannot run: {exc}")
            return 2
        finally:
            if worker is not None:
                worker.stop()
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
    print(f"\n  no-op floor        {noop:8.1f} tasks/s")
    print(f"  acceptances        {rate:8.1f} /s ({elapsed:.1f}s for {count:,})")
    print(f"  PostgreSQL sessions opened during the pipeline: {opened} ({opened / count:.2f} per acceptance; "
          f"gunicorn and worker together)")
    print(f"INFO worker alone (acceptances queued first) = {alone:.1f}/s, {alone / noop:.3f} of the no-op rate")
    print(f"INFO HTTP alone (those POSTs, worker idle) = {http_alone:.1f}/s, {http_alone / noop:.3f} of the no-op rate")
    # On a CPU-bound machine the times per item add up: what an acceptance that did no work of its own (a bare
    # POST and a no-op task) could reach at best, and what the target then leaves for all of its work.
    bound = 1 / (1 / bare_posts + 1 / noop)
    cpus = os.cpu_count() or 1
    print(f"INFO bare POST = {bare_posts:.0f}/s; a bare POST plus a no-op task = at most {bound:.0f}/s, "
          f"{bound / noop:.2f} of the no-op rate; the target leaves "
          f"{cpus * 1000 * max(0.0, 1 / (TARGET * noop) - 1 / bound):.1f} ms of machine time per acceptance for its "
          f"own work (now {cpus * 1000 * max(0.0, 1 / rate - 1 / bound):.1f} ms)")
    status = pipeline.verdict([("acceptances/s / no-op tasks/s", rate / noop, TARGET)], args.strict,
                              checks(partner, 2 * count + WARMUP))
    print(f"\ntotal {time.perf_counter() - started:.0f}s")
    return status


if __name__ == "__main__":
    sys.exit(main())
