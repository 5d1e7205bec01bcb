#!/usr/bin/env python
"""Benchmark: a bulk invitation ("Invite many customers") end to end over HTTP — upload, preview, Send, the job
in a real Celery worker, every mail accepted by an SMTP sink — against the outbox figure of
bench/outbox_mail.py (the same number of mails through outbox + Celery to the sink), in one run.

    .venv/bin/python bench/bulk_mail.py [--quick] [--count 10000] [--strict]

Own PostgreSQL database (default postgres://postgres@127.0.0.1:5432/bench_bulk_mail, BENCH_DATABASE_URL to
change it; created and migrated when missing, the data rebuilt every run), Redis database 4 as the broker
(BENCH_BROKER_URL) and 5 for the cache and sessions of gunicorn and the worker (BENCH_CACHE_URL); both flushed.
Production settings (partnercenter.settings) in gunicorn (2 sync workers, bench/api.py's starter) and in the
worker (--pool=prefork --concurrency=2, acks_late, prefetch 1: bench/pipeline.py), EMAIL_URL pointing at
pipeline.py's aiosmtpd sink, BULK_INVITATION_MAILS_PER_MINUTE=0 (unpaced: pacing is not what is measured).

  outbox   bench/outbox_mail.py's outbox_measure(): --count pending rows delivered by a fresh worker to a
           fresh sink; seconds from the first publish until every row is sent.
  bulk     bulk_measure(): a partner's Global admin signs in over HTTP (the login form), a warm-up file of
           WARMUP rows goes through the whole flow untimed, then: POST a CSV of --count rows to "Invite many
           customers", GET the preview, POST its "Send"; seconds from the upload POST until the sink
           accepted the last of the --count mails (the sink's own clock; same machine).
Prints `PASS|FAIL bulk job seconds / outbox seconds = <ratio> (target <= 1.5)` and a correctness line (exactly
--count mails at the sink, one request and one sent mail per address, each request's created and sent activity
once, the job done with every item done). Exit 0 unless --strict and a miss (1); 2 when it cannot run.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pipeline  # noqa: E402  (it takes bench/ off sys.path again: bench/api.py would shadow `api`)

outbox_mail = pipeline._load("bench_outbox_mail", "outbox_mail.py")  # noqa: SLF001

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_bulk_mail"
TARGET = 1.5
WARMUP = 20
WAIT = 1800.0
PARTNER_DOMAIN = "bench-bulk-partner.example"
PASSWORD = "bench-bulk-password-1"  # noqa: S105 (a throwaway account in the bench database)
BODY = ("Hello,\n\nwe would like to become your Microsoft cloud reseller. Please review and accept our request:\n\n"
        "[LINK]\n\nThe link is personal and works once.\n")


def seed() -> tuple[object, object]:
    """An empty database but for a direct partner with its company profile and one Global admin (PASSWORD)."""
    from django.db import transaction

    from partnercenter.models import CompanyProfile, Membership, Tenant, TenantKind, User
    from partnercenter.roles import Role

    pipeline.gdap.reset_data()  # tenants, users, outbox: everything of the previous run (CASCADE)
    with transaction.atomic():
        partner = Tenant.objects.create(kind=TenantKind.PARTNER, name="Bench Bulk Partner GmbH",
                                        primary_domain=PARTNER_DOMAIN, country="DE", mpn_id="9100003",
                                        partner_type="direct")
        CompanyProfile.objects.create(tenant=partner, legal_name=partner.name,
                                      support_email=f"support@{PARTNER_DOMAIN}")
        admin = User.objects.create_user(f"admin@{PARTNER_DOMAIN}", PASSWORD)
        Membership.objects.create(user=admin, tenant=partner, role=Role.GLOBAL_ADMIN)
    return partner, admin


def csv_bytes(count: int, offset: int) -> bytes:
    """`count` distinct addresses over 50 domains, a company name each, the languages in turn."""
    rows = ["email;company;language"]
    for i in range(offset, offset + count):
        rows.append(f"c{i:06d}@kunde{i % 50:02d}.example;Kunde {i:06d} GmbH;{('de', 'en', 'hu', '')[i % 4]}")
    return ("\n".join(rows) + "\n").encode()


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def sign_in(base: str):  # noqa: ANN201
    """A requests.Session signed in through the login form, as a browser would."""
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=60)
    response = session.post(f"{base}/accounts/login/", timeout=60, allow_redirects=False,
                            data={"login": f"admin@{PARTNER_DOMAIN}", "password": PASSWORD,
                                  "csrfmiddlewaretoken": _csrf(page.text)})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in answered {response.status_code}")
    return session


def invite(session, base: str, content: bytes, count: int) -> str:  # noqa: ANN001
    """Upload → preview → Send, as the pages do; the job's id. Every step must answer as a browser expects."""
    form = session.get(f"{base}/customers/requests/bulk/", timeout=60)
    response = session.post(
        f"{base}/customers/requests/bulk/", timeout=300, allow_redirects=False,
        data={"csrfmiddlewaretoken": _csrf(form.text), "subject": "Bench Bulk Partner GmbH invites you", "body": BODY},
        files={"file": ("customers.csv", content, "text/csv")})
    if response.status_code != 302:
        raise RuntimeError(f"the upload answered {response.status_code}: {response.text[-1000:]}")
    preview = session.get(f"{base}{response.headers['Location']}", timeout=300)
    shown = re.search(r"Send to ([\d,.\u00a0 ]+) customers?", preview.text)
    if preview.status_code != 200 or shown is None or int(re.sub(r"\D", "", shown.group(1))) != count:
        raise RuntimeError(f"the preview does not offer to send {count:,}: {preview.status_code}")
    action = re.search(r'action="(/customers/requests/bulk/[^"]+/send/)"', preview.text).group(1)
    sent = session.post(f"{base}{action}", timeout=300, allow_redirects=False,
                        data={"csrfmiddlewaretoken": _csrf(preview.text)})
    location = sent.headers.get("Location", "")
    if sent.status_code != 302 or not location.startswith("/jobs/"):
        raise RuntimeError(f"Send answered {sent.status_code} {location}")
    return location.strip("/").split("/")[-1]


def wait_sent(partner, expected: int, job_id: str, worker) -> None:  # noqa: ANN001
    """Until `expected` of the partner's invitation mails are sent and the job is done (bounded)."""
    from jobs.models import Job, JobStatus
    from partnercenter.models import OutboxEmail, OutboxStatus

    mails = OutboxEmail.objects.filter(tenant=partner, kind="relationship_request")
    deadline = time.monotonic() + WAIT
    while True:
        worker.check_alive()
        status = Job.objects.filter(pk=job_id).values_list("status", flat=True).first()
        if status == JobStatus.DONE and mails.filter(status=OutboxStatus.SENT).count() >= expected:
            return
        if (status not in (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE)
                or mails.filter(status=OutboxStatus.FAILED).exists() or time.monotonic() > deadline):
            raise RuntimeError(f"job {status}, mails failed or timed out; worker log:\n{worker.log_tail()}")
        time.sleep(0.05)


def bulk_checks(partner, job_id: str, count: int, total: int, sink_messages: int) -> tuple[str, bool]:  # noqa: ANN001
    """Exactly the mails expected, one request and one sent mail per address, each request's created and sent
    activity entries once, the measured job done with all its items done."""
    from django.db.models import Count

    from invitations.models import RelationshipRequest
    from jobs.models import Job, JobStatus
    from partnercenter.models import ActivityLog, OutboxEmail, OutboxStatus

    requests = RelationshipRequest.objects.filter(partner=partner)
    twice = requests.values("email").annotate(n=Count("id")).filter(n__gt=1).count()
    mails = OutboxEmail.objects.filter(tenant=partner, kind="relationship_request")
    sent_once = mails.filter(status=OutboxStatus.SENT, attempts=1).values("to_email").distinct().count()
    entries = {kind: ActivityLog.objects.filter(tenant=partner, kind=kind).values("data__email").distinct().count()
               for kind in ("request.created", "request.sent")}
    entries_all = {kind: ActivityLog.objects.filter(tenant=partner, kind=kind).count() for kind in entries}
    job = Job.objects.get(pk=job_id)
    ok = (sink_messages == total and requests.count() == total and twice == 0 and mails.count() == total
          and sent_once == total and all(entries[k] == entries_all[k] == total for k in entries)
          and job.status == JobStatus.DONE and job.done == job.total == count)
    return (f"the sink received {sink_messages:,} mails (expected {total:,} with the warm-up); {requests.count():,} "
            f"requests ({twice} addresses twice), {sent_once:,} addresses with one mail sent in one attempt of "
            f"{mails.count():,}; activity created/sent {entries_all['request.created']:,}/{entries_all['request.sent']:,}; "
            f"job {job.status} {job.done:,}/{job.total:,}", ok)


def bulk_measure(count: int, broker: str, *, warmup: int = WARMUP) -> dict:
    """The bulk half (after pipeline.setup()): seeds a partner, starts the sink, a worker and gunicorn (production
    settings, BULK_INVITATION_MAILS_PER_MINUTE=0), signs in over HTTP, runs a `warmup`-row file through the whole
    flow untimed, then a `count`-row file: upload POST → preview GET → Send POST → the job in the worker → every
    mail at the sink. Returns {"seconds" (upload POST to the sink's last accepted mail), "answered" (the three
    requests' seconds), "job" (upload POST to the job's finished_at), "check" ((line, ok))}. Raises on failure."""
    from jobs.models import Job

    os.environ["CELERY_BROKER_URL"] = broker  # gunicorn queues the job (this process is set up already)
    os.environ["BULK_INVITATION_MAILS_PER_MINUTE"] = "0"
    os.environ["BULK_INVITATION_MAX_ROWS"] = str(max(count, 10_000))
    partner, _admin = seed()
    warm_csv, content = csv_bytes(warmup, 0), csv_bytes(count, warmup)
    worker = server = sink = None
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as tmp:
        try:
            sink = pipeline.SmtpSink()
            os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"
            t0 = pipeline.gdap.step("starting gunicorn (2 workers) and the worker (prefork, 2 processes)")
            server, port = pipeline.api.gunicorn_start(Path(tmp))
            worker = pipeline.worker_start(broker, Path(tmp) / "worker.log")
            pipeline.gdap.done(t0)
            base = f"http://127.0.0.1:{port}"
            t0 = pipeline.gdap.step(f"sign-in over HTTP, warm-up: a file of {warmup} rows")
            session = sign_in(base)
            warm_job = invite(session, base, warm_csv, warmup)
            wait_sent(partner, warmup, warm_job, worker)
            pipeline.gdap.done(t0)
            t0 = pipeline.gdap.step(f"bulk: a file of {count:,} rows, upload to the last mail at the sink")
            started_wall, started = time.time(), time.perf_counter()
            job_id = invite(session, base, content, count)
            answered = time.perf_counter() - started
            wait_sent(partner, warmup + count, job_id, worker)
            worker.stop()
            worker = None
            messages, _connections = sink.stop()
            last = sink.last_accepted
            sink = None
            seconds = last - started_wall
            pipeline.gdap.done(t0, f"({seconds:.1f}s)")
        finally:
            if worker is not None:
                worker.stop()
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            if sink is not None:
                sink.stop()
    job = Job.objects.get(pk=job_id)
    return {"seconds": seconds, "answered": answered, "job": job.finished_at.timestamp() - started_wall,
            "job_run": (job.finished_at - job.started_at).total_seconds(),
            "check": bulk_checks(partner, job_id, count, warmup + count, messages)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=0, help="rows and mails per side (10,000; quick 1,000)")
    parser.add_argument("--quick", action="store_true", help="1,000 rows and mails per side")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    count = args.count or (1_000 if args.quick else 10_000)
    started = time.perf_counter()
    broker = pipeline.start(f"Bulk invitation benchmark — {count:,} rows", DEFAULT_URL)
    if broker is None:
        return 2
    try:
        outbox = outbox_mail.outbox_measure(count, broker, smtplib_floor=False)
        bulk = bulk_measure(count, broker)
    except Exception as exc:  # noqa: BLE001
        print(f"\ncannot run: {exc}")
        return 2
    print(f"\n  outbox + Celery, {count:,} mails          {outbox['seconds']:8.1f} s ({outbox['rate']:,.1f} mails/s)")
    print(f"  bulk invitation, {count:,} rows to the sink {bulk['seconds']:8.1f} s ({count / bulk['seconds']:,.1f} rows/s)")
    print(f"    upload + preview + Send answered after {bulk['answered']:.1f} s; the job finished {bulk['job']:.1f} s "
          f"after the upload ({bulk['job_run']:.1f} s running)")
    ratio = bulk["seconds"] / outbox["seconds"]
    outbox_ok = outbox["sent"] == count and outbox["sink_counts"][0] == count + outbox_mail.WARMUP
    missed = (ratio > TARGET) + (not outbox_ok) + (not bulk["check"][1])
    print(f"\n{'PASS' if ratio <= TARGET else 'FAIL'} bulk job seconds / outbox seconds = {ratio:.3f} (target <= {TARGET:g})")
    print(f"{'PASS' if outbox_ok else 'FAIL'} outbox: every row sent once, in one attempt: {outbox['sent']:,}/{count:,}; "
          f"the sink received {outbox['sink_counts'][0]:,} (expected {count + outbox_mail.WARMUP:,} with the warm-up)")
    print(f"{'PASS' if bulk['check'][1] else 'FAIL'} bulk: {bulk['check'][0]}")
    print(f"\ntotal {time.perf_counter() - started:.0f}s")
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
