#!/usr/bin/env python
"""Benchmark: a bulk GDAP request ("Request admin relationships" from a role template) for 1,000 and
10,000 customers through a REAL Celery worker, against the floor of writing the same rows and outbox
mails in one direct in-process loop.

    .venv/bin/python bench/gdap_bulk.py [--small 1000] [--large 10000] [--quick] [--strict] [--drop]

Runs against its OWN PostgreSQL database (default postgres://postgres@127.0.0.1:5432/bench_gdap_bulk,
override with BENCH_DATABASE_URL) and a Redis database (default redis://127.0.0.1:6379/6, override with
BENCH_REDIS_URL; it is flushed). The database is created and migrated when missing and kept between
runs; the data is rebuilt every run (seconds). --drop removes the database at the end.

For each size N (a partner with N customers, each with an active reseller relationship and one Global
admin; one role template):
  floor  the same rows — relationships in approvalPending, their roles, the lockForApproval requests,
         the approval links, the activity entries and one rendered approval mail per Global admin in the
         outbox — bulk-created in chunks of the job's chunk size in this process, no job engine; then
         everything it wrote is removed again;
  job    job_create(kind="gdap.bulk_request") for the N customers, run by a fresh `celery worker
         --pool=solo` process (tests/celery_worker.py) over Redis; wall time from job_create until the
         job is done; the worker's peak resident memory (VmHWM from /proc) afterwards. The mail
         deliveries the job queues go to a queue no worker reads (sending is not what is measured).
Prints relationships per second, then one line per target:
  PASS|FAIL job 10k / floor 10k            (target <= 1.5)
  PASS|FAIL worker peak RSS 10k / 1k       (target <= 1.2)
  PASS|FAIL every item done, every mail once (correctness, not a ratio)
Exit status 0 even when a target is missed unless --strict (then 1); 2 when it cannot run.
Not a test: timings vary by machine; compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_gdap_bulk"
DEFAULT_REDIS = "redis://127.0.0.1:6379/6"
TARGET_FLOOR = 1.5
TARGET_MEMORY = 1.2
PARTNER_DOMAIN = "bench-gdap-partner.example"
TEMPLATE = "Bench helpdesk"
ROLES = ("88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "f2ef992c-3afb-46b9-b7cf-a126ee74c451")  # Directory / Global Reader
WAIT = 1800.0


# --- database bootstrap (before Django), as bench/customers_list.py ----------------------------------


def db_params(url: str) -> dict:
    import environ

    cfg = environ.Env.db_url_config(url)
    if not cfg["ENGINE"].startswith("django.db.backends.postgresql"):
        sys.exit(f"BENCH_DATABASE_URL must point to PostgreSQL, got {cfg['ENGINE']}")
    return cfg


def admin_connect(cfg: dict):  # -> psycopg.Connection  # noqa: ANN201
    import psycopg

    return psycopg.connect(host=cfg["HOST"] or "127.0.0.1", port=cfg["PORT"] or 5432, user=cfg["USER"] or None,
                           password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True, connect_timeout=5)


def ensure_database(cfg: dict) -> None:
    from psycopg import sql

    with admin_connect(cfg) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(cfg["NAME"])))


def drop_database(cfg: dict) -> None:
    from psycopg import sql

    with admin_connect(cfg) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(cfg["NAME"])))


def configure_django(url: str) -> None:
    # The worker runs with tests.settings (tests/celery_worker.py); this process too, so both sides use
    # the same settings, reaching the bench database through TEST_DATABASE_URL.
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["TEST_DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()


def step(msg: str) -> float:
    print(f"  {msg} ...", end="", flush=True)
    return time.perf_counter()


def done(t0: float, extra: str = "") -> float:
    elapsed = time.perf_counter() - t0
    print(f" {elapsed:.1f}s{(' ' + extra) if extra else ''}", flush=True)
    return elapsed


# --- data ------------------------------------------------------------------------------------------


def reset_data() -> None:
    from django.db import connection

    from partnercenter.models import Tenant, User

    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {Tenant._meta.db_table}, {User._meta.db_table}, partnercenter_outboxemail "
                    "RESTART IDENTITY CASCADE")


def seed(n: int):  # noqa: ANN201
    """A partner with one Global admin, n customers it serves (each with one Global admin) and the template."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from customers.models import RelationshipStatus, ResellerRelationship
    from gdap import services
    from partnercenter.models import CompanyProfile, Membership, Tenant, TenantKind, User
    from partnercenter.roles import Role

    reset_data()
    with transaction.atomic():
        partner = Tenant.objects.create(kind=TenantKind.PARTNER, name="Bench GDAP Partner GmbH",
                                        primary_domain=PARTNER_DOMAIN, country="DE", mpn_id="9100001",
                                        partner_type="direct")
        CompanyProfile.objects.create(tenant=partner, legal_name=partner.name, support_email=f"support@{PARTNER_DOMAIN}")
        admin = User.objects.create_user(f"admin@{PARTNER_DOMAIN}", None)
        Membership.objects.create(user=admin, tenant=partner, role=Role.GLOBAL_ADMIN)
        customers = [Tenant(id=uuid.uuid4(), kind=TenantKind.CUSTOMER, name=f"Bench Kunde {i:06d} GmbH",
                            primary_domain=f"k{i:06d}.example", country="DE") for i in range(n)]
        Tenant.objects.bulk_create(customers, batch_size=2000)
        ResellerRelationship.objects.bulk_create(
            [ResellerRelationship(partner=partner, customer=c, status=RelationshipStatus.ACTIVE,
                                  customer_name=c.name, customer_domain=c.primary_domain) for c in customers],
            batch_size=2000)
        unusable = make_password(None)
        users = [User(email=f"ga@k{i:06d}.example", password=unusable, language=("en", "de", "hu")[i % 3])
                 for i in range(n)]
        User.objects.bulk_create(users, batch_size=2000)
        Membership.objects.bulk_create([Membership(user=u, tenant=c, role=Role.CUSTOMER_GLOBAL_ADMIN)
                                        for u, c in zip(users, customers, strict=True)], batch_size=2000)
        template = services.template_save(partner=partner, actor=admin, name=TEMPLATE, roles=list(ROLES),
                                          duration="P730D")
    return partner, admin, customers, template


def clear_gdap() -> None:
    """Remove what a run wrote (relationships and everything hanging on them, mails, gdap activity)."""
    from django.db import connection

    from gdap.models import AdminRelationship
    from jobs.models import Job
    from partnercenter.models import ActivityLog

    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {AdminRelationship._meta.db_table}, partnercenter_outboxemail, "
                    f"{Job._meta.db_table} CASCADE")
    ActivityLog.objects.filter(kind__startswith="gdap.").exclude(kind__startswith="gdap.template").delete()
    ActivityLog.objects.filter(kind__startswith="job.").delete()
    # No VACUUM/ANALYZE here: on a table known to be empty PostgreSQL plans the foreign-key checks of
    # the inserts that follow (cached for the session) as sequential scans, and every insert then reads
    # the whole growing table — quadratic, and nothing like a production database. After TRUNCATE the
    # size is unknown and the checks use the primary key.


# --- the floor: the same rows, one direct loop ---------------------------------------------------------


def floor(partner, admin, customers, template, chunk: int) -> float:  # noqa: ANN001
    """The rows the job writes, bulk-created chunk by chunk with no engine, locks, checks or items."""
    from django.db import transaction
    from django.utils import timezone

    from gdap.events import GdapEvents
    from gdap.models import (
        AdminRelationship,
        AdminRelationshipRequest,
        GdapApproval,
        RelationshipStatus,
        RequestAction,
        RequestStatus,
    )
    from gdap.services.bulk import _approval_mail, approval_url, display_name_for
    from gdap.services.common import relationship_data
    from links.kinds import KINDS
    from links.tokens import token_new
    from partnercenter.models import ActivityLog, Membership, OutboxEmail
    from partnercenter.roles import Role

    roles = list(template.roles.all())
    role_names = [role.name for role in roles]
    through = AdminRelationship.roles.through
    started = time.perf_counter()
    for start in range(0, len(customers), chunk):
        part = customers[start:start + chunk]
        with transaction.atomic():
            now = timezone.now()
            admins = {}
            for tenant_id, email, language, user_id in Membership.objects.filter(
                    tenant_id__in=[c.pk for c in part], role=Role.CUSTOMER_GLOBAL_ADMIN).values_list(
                    "tenant_id", "user__email", "user__language", "user_id"):
                admins.setdefault(tenant_id, []).append((user_id, email, language or "en"))
            rels = [AdminRelationship(partner=partner, customer=c, display_name=display_name_for(template.name, c.name),
                                      duration=template.duration, status=RelationshipStatus.APPROVAL_PENDING,
                                      created_by=admin, template=template, version=2, created_at=now,
                                      last_modified_at=now) for c in part]
            AdminRelationship.objects.bulk_create(rels)
            through.objects.bulk_create([through(adminrelationship_id=r.pk, roledefinition_id=role.pk)
                                         for r in rels for role in roles])
            AdminRelationshipRequest.objects.bulk_create([
                AdminRelationshipRequest(relationship=r, action=RequestAction.LOCK_FOR_APPROVAL,
                                         status=RequestStatus.SUCCEEDED, actor=admin, created_at=now) for r in rels])
            tokens = [token_new() for _r in rels]
            expires = now + KINDS["gdap_approval"].validity
            GdapApproval.objects.bulk_create([
                GdapApproval(partner=partner, relationship=r, created_by=admin, token_digest=t.digest,
                             token_last4=t.last4, expires_at=expires, sent_at=now, sent_by=admin)
                for r, t in zip(rels, tokens, strict=True)])
            logs, mails = [], []
            for c, r, t in zip(part, rels, tokens, strict=True):
                data = relationship_data(r)
                link = approval_url(t.raw)
                for kind, tenant in ((GdapEvents.CREATED, partner), (GdapEvents.APPROVAL_REQUESTED, partner),
                                     (GdapEvents.APPROVAL_REQUESTED, c)):
                    logs.append(ActivityLog(tenant=tenant, kind=kind, actor=admin, actor_email=admin.email,
                                            customer=c, data=data))
                for kind in (GdapEvents.LINK_CREATED, GdapEvents.LINK_SENT):
                    logs.append(ActivityLog(tenant=partner, kind=kind, actor=admin, actor_email=admin.email,
                                            data={"last4": t.last4, "relationship_id": str(r.pk)}))
                for user_id, email, language in admins.get(c.pk, []):
                    mails.append(_approval_mail(partner, c, r, role_names, link, expires, email, language, "",
                                                dedupe_key=f"gdap-approval:{r.pk}:{user_id}"))
            ActivityLog.objects.bulk_create(logs, batch_size=1000)
            OutboxEmail.objects.bulk_create(mails, batch_size=1000)
    return time.perf_counter() - started


# --- the job through a real worker -------------------------------------------------------------------


@dataclass
class Run:
    n: int
    floor_s: float
    job_s: float
    rss_idle_kib: int
    rss_peak_kib: int
    correct: bool
    detail: str


def proc_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def broker_routed(redis_url: str, queue: str):  # noqa: ANN201
    """This process publishes to the worker's queue on Redis (the job's first task)."""
    import kombu.pools

    from partnercenter.celery import app

    kombu.pools.reset()  # as tests/test_integration_celery.py: forget the pooled producers of the last run
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app.conf.update(task_always_eager=False, broker_url=redis_url, task_default_queue=queue)


def job_run(partner, admin, customers, template, redis_url: str, log_dir: Path) -> tuple[float, int, int]:  # noqa: ANN001
    from gdap.jobs import BULK_REQUEST
    from jobs.models import Job, JobStatus
    from jobs.services import job_create
    from tests.celery_worker import CeleryWorker

    queue = f"bench-gdap-{uuid.uuid4().hex[:8]}"
    worker = CeleryWorker(broker_url=redis_url, queue=queue, database_url=os.environ["TEST_DATABASE_URL"],
                          log_path=log_dir / f"worker-{len(customers)}.log",
                          task_routes={"partnercenter.tasks.outbox_drain": {"queue": queue + "-mail"},
                                       "partnercenter.tasks.outbox_deliver": {"queue": queue + "-mail"}}).start()
    try:
        worker.wait_ready()
        idle = proc_kib(worker.pid, "VmRSS")
        broker_routed(redis_url, queue)
        started = time.perf_counter()
        job = job_create(tenant=partner, actor=admin, kind=BULK_REQUEST, params={"template": str(template.pk)},
                         items=((str(c.pk), c.name) for c in customers))
        deadline = time.monotonic() + WAIT
        while True:
            worker.check_alive()
            status = Job.objects.filter(pk=job.pk).values_list("status", flat=True).get()
            if status == JobStatus.DONE:
                break
            if status in (JobStatus.FAILED, JobStatus.CANCELLED) or time.monotonic() > deadline:
                raise RuntimeError(f"job {status}; worker log:\n{worker.log_tail()}")
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        peak = proc_kib(worker.pid, "VmHWM")
    finally:
        worker.stop()
    return elapsed, idle, peak


def check(customers, template) -> tuple[bool, str]:  # noqa: ANN001
    from django.db.models import Count

    from gdap.models import AdminRelationship, GdapApproval
    from jobs.models import Job
    from partnercenter.models import OutboxEmail

    job = Job.objects.get()
    rels = AdminRelationship.objects.filter(template=template)
    per_customer = rels.values("customer_id").annotate(n=Count("id")).filter(n__gt=1).count()
    mails = OutboxEmail.objects.filter(kind="gdap_approval_request")
    twice = mails.values("to_email").annotate(n=Count("id")).filter(n__gt=1).count()
    n = len(customers)
    ok = (job.done == n and job.failed == job.skipped == 0 and rels.count() == n and per_customer == 0
          and GdapApproval.objects.filter(relationship__in=rels).count() == n and mails.count() == n and twice == 0)
    return ok, (f"{job.done} done, {job.skipped} skipped, {job.failed} failed; {rels.count()} relationships, "
                f"{mails.count()} mails, {twice} addresses mailed twice")


def measure(n: int, chunk: int, redis_url: str, log_dir: Path) -> Run:
    import redis

    print(f"\n{n:,} customers")
    t0 = step("seeding")
    partner, admin, customers, template = seed(n)
    done(t0)
    clear_gdap()
    t0 = step("floor: the same rows in one direct loop")
    floor_s = floor(partner, admin, customers, template, chunk)
    done(t0, f"({n / floor_s:,.0f} relationships/s)")
    clear_gdap()
    redis.Redis.from_url(redis_url).flushdb()
    t0 = step("job through a Celery worker")
    job_s, idle, peak = job_run(partner, admin, customers, template, redis_url, log_dir)
    done(t0, f"({n / job_s:,.0f} relationships/s; worker RSS {idle / 1024:.0f} MiB idle, {peak / 1024:.0f} MiB peak)")
    correct, detail = check(customers, template)
    redis.Redis.from_url(redis_url).flushdb()
    return Run(n, floor_s, job_s, idle, peak, correct, detail)


def report(small: Run, large: Run, strict: bool) -> int:
    print()
    head = f"{'customers':>10} {'floor s':>9} {'job s':>9} {'job/floor':>10} {'rel/s (job)':>12} {'peak RSS MiB':>13}"
    print(head)
    print("-" * len(head))
    for run in (small, large):
        print(f"{run.n:>10,} {run.floor_s:>9.2f} {run.job_s:>9.2f} {run.job_s / run.floor_s:>10.2f} "
              f"{run.n / run.job_s:>12,.0f} {run.rss_peak_kib / 1024:>13.1f}")
    ratio = large.job_s / large.floor_s
    memory = large.rss_peak_kib / small.rss_peak_kib
    results = [
        (f"job {large.n:,} / floor {large.n:,}        = {ratio:6.2f}  (target <= {TARGET_FLOOR})", ratio <= TARGET_FLOOR),
        (f"worker peak RSS {large.n:,} / {small.n:,} = {memory:6.2f}  (target <= {TARGET_MEMORY})",
         memory <= TARGET_MEMORY),
        (f"every item done, every mail once: {small.detail} | {large.detail}", small.correct and large.correct),
    ]
    print()
    for text, ok in results:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    missed = [text for text, ok in results if not ok]
    print(f"\n{len(results) - len(missed)}/{len(results)} targets met.")
    return 1 if missed and strict else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1_000, help="customers of the small run (default 1,000)")
    parser.add_argument("--large", type=int, default=10_000, help="customers of the large run (default 10,000)")
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 customers (a smoke run)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    args = parser.parse_args()
    if args.quick:
        args.small, args.large = 100, 1_000
    if not 0 < args.small < args.large <= 200_000:
        parser.error("need 0 < --small < --large <= 200,000")

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    cfg = db_params(url)
    started = time.perf_counter()
    print(f"GDAP bulk request benchmark — database {cfg['NAME']}, broker {redis_url}")
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
        ensure_database(cfg)
    except Exception as exc:  # noqa: BLE001
        print(f"cannot run: {exc}")
        return 2
    configure_django(url)

    from django.core.management import call_command
    from django.db import connection

    from gdap.jobs import BULK_REQUEST

    t0 = step("migrate")
    call_command("migrate", interactive=False, verbosity=0)
    done(t0)
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        version = cur.fetchone()[0]
    print(f"  PostgreSQL {version}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, chunk {BULK_REQUEST.chunk_size}")
    with tempfile.TemporaryDirectory(prefix="bench-gdap-") as tmp:
        try:
            small = measure(args.small, BULK_REQUEST.chunk_size, redis_url, Path(tmp))
            large = measure(args.large, BULK_REQUEST.chunk_size, redis_url, Path(tmp))
        except Exception as exc:  # noqa: BLE001
            print(f"\ncannot run: {exc}")
            return 2
    status = report(small, large, args.strict)
    print(f"\ntotal {time.perf_counter() - started:.0f}s")
    if args.drop:
        connection.close()
        drop_database(cfg)
        print(f"dropped database {cfg['NAME']}")
    return status


if __name__ == "__main__":
    sys.exit(main())
