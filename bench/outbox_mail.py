#!/usr/bin/env python
"""Benchmark: mail through the outbox and a real Celery worker to a local SMTP sink, against raw smtplib
sending the same messages to the same sink in one loop on one connection, in one run.

    .venv/bin/python bench/outbox_mail.py [--quick] [--count 10000] [--strict]

Own PostgreSQL database (default postgres://postgres@127.0.0.1:5432/bench_pipe_mail, BENCH_DATABASE_URL to
change it; created and migrated when missing, emptied every run), Redis database 4 as the broker
(BENCH_BROKER_URL) and 5 for the worker's cache (BENCH_CACHE_URL); both flushed. The sink is aiosmtpd on 127.0.0.1 in a process of its own (bench/pipeline.py).
The worker runs the production settings (EMAIL_URL=smtp://127.0.0.1:<sink>) with --pool=prefork
--concurrency=2, acks_late, prefetch 1 (tests/celery_worker.py's CeleryWorker).

  floor    the --count messages (the outbox rows' subject, body, sender and recipient, rendered by Django's
           EmailMessage before the clock starts) sent with smtplib.sendmail in one loop on one connection.
  outbox   --count pending outbox rows (written before the clock starts), each woken as `outbox_email_create`
           wakes a row after its commit (partnercenter.outbox.outbox_wake, through the worker's Redis cache:
           the wake-ups coalesce into a few drain tasks, each sending due rows over its SMTP connection and
           claiming OUTBOX_CLAIM_SIZE rows per commit); mails/s from the first wake-up until every row is `sent`.
Prints `PASS|FAIL outbox mails/s / smtplib mails/s = <ratio> (target >= 0.5)` and a correctness line (every
row sent once, in one attempt; the sink received exactly --count messages), plus the SMTP connections and
PostgreSQL sessions each side opened. Exit 0 unless --strict and a miss (1); 2 when it cannot run.
The bulk-invitation half of issue 13 §4's bullet is bench/bulk_mail.py (it imports outbox_measure).
"""

from __future__ import annotations

import argparse
import os
import smtplib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pipeline  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_pipe_mail"
TARGET = 0.50
WARMUP = 50
WAIT = 1800.0
BODY = ("Hello,\n\nContoso Ltd. accepted your reseller relationship request. You can now manage its "
        "subscriptions and services in Partner Center:\n\nhttps://partnercenter.example/customers/\n\n"
        "This message was sent by Partner Center. Please do not reply.\n") * 3


def rows_create(n: int, offset: int) -> list[int]:
    from partnercenter.models import OutboxEmail

    rows = OutboxEmail.objects.bulk_create(
        [OutboxEmail(kind="request_accepted", to_email=f"admin{offset + i:06d}@bench-mail.example", language="en",
                     subject=f"Contoso Ltd. accepted your request ({offset + i})", body=BODY) for i in range(n)],
        batch_size=2000)
    return [row.id for row in rows]


def messages_render(ids: list[int]) -> list[tuple[str, list[str], bytes]]:
    """The bytes Django's backend would put on the wire for each row: what the floor sends."""
    from django.conf import settings
    from django.core.mail import EmailMessage

    from partnercenter.models import OutboxEmail

    out = []
    for row in OutboxEmail.objects.filter(id__in=ids).order_by("id"):
        message = EmailMessage(subject=row.subject, body=row.body, to=[row.to_email])
        out.append((settings.DEFAULT_FROM_EMAIL, [row.to_email], message.message().as_bytes(linesep="\r\n")))
    return out


def floor(port: int, messages: list[tuple[str, list[str], bytes]]) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, recipients, data in messages:
            smtp.sendmail(sender, recipients, data)
    return len(messages) / (time.perf_counter() - started)


def deliver(ids: list[int], worker) -> float:  # noqa: ANN001
    """Each row woken as `outbox_email_create` wakes it after its commit (through the same Redis cache as
    the worker's, as the web processes do in production); mails/s until every row is sent."""
    from django.test.utils import override_settings

    from partnercenter.models import OutboxEmail, OutboxStatus
    from partnercenter.outbox import outbox_wake

    cache = {"default": {"BACKEND": "partnercenter.cache.RedisCache",
                         "LOCATION": os.environ["REDIS_URL"]}}
    with override_settings(CACHES=cache):
        started = time.perf_counter()
        for email_id in ids:
            outbox_wake([email_id])
        deadline = time.monotonic() + WAIT
        span = (min(ids), max(ids))  # bulk_create's ids are consecutive: a range, not a 10,000-id IN list
        assert span[1] - span[0] + 1 == len(ids)
        pending = OutboxEmail.objects.filter(id__range=span).exclude(status=OutboxStatus.SENT)
        while pending.exists():
            worker.check_alive()
            if (OutboxEmail.objects.filter(id__range=span, status=OutboxStatus.FAILED).exists()
                    or time.monotonic() > deadline):
                raise RuntimeError(f"mails failed or timed out; worker log:\n{worker.log_tail()}")
            time.sleep(0.02)
        return len(ids) / (time.perf_counter() - started)


def outbox_measure(count: int, broker: str, *, smtplib_floor: bool = True) -> dict:
    """The outbox figure (after pipeline.setup()): `count` pending rows (plus WARMUP) delivered by a fresh
    worker to a fresh sink; with `smtplib_floor`, the same messages through smtplib first. Returns
    {"seconds", "rate" (mails/s), "smtplib_rate" (None without the floor), "floor_counts", "sink_counts"
    ((messages, connections) each sink took), "opened" (PostgreSQL sessions), "sent" (rows sent once, in
    one attempt)}. Raises when the worker fails or times out. Also used by bench/bulk_mail.py."""
    from django.db import connection

    from partnercenter.models import OutboxEmail, OutboxStatus

    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {OutboxEmail._meta.db_table} RESTART IDENTITY")
    warm = rows_create(WARMUP, 0)
    ids = rows_create(count, WARMUP)
    smtplib_rate, floor_counts = None, (0, 0)
    worker = sink = None
    with tempfile.TemporaryDirectory(prefix="bench-mail-") as tmp:
        try:
            if smtplib_floor:
                t0 = pipeline.gdap.step(f"rendering {count:,} messages for the floor")
                messages = messages_render(ids)
                pipeline.gdap.done(t0)
                sink = pipeline.SmtpSink()
                t0 = pipeline.gdap.step("floor: smtplib, one connection")
                smtplib_rate = floor(sink.port, messages)
                pipeline.gdap.done(t0, f"({smtplib_rate:,.0f} mails/s)")
                floor_counts = sink.stop()
            sink = pipeline.SmtpSink()
            os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"  # the worker's settings read it
            t0 = pipeline.gdap.step("starting the worker (prefork, 2 processes)")
            worker = pipeline.worker_start(broker, Path(tmp) / "worker.log")
            pipeline.gdap.done(t0)
            t0 = pipeline.gdap.step(f"warm-up: {WARMUP} mails")
            deliver(warm, worker)
            pipeline.gdap.done(t0)
            time.sleep(1.5)  # the worker's session counters reach pg_stat_database
            sessions_before = pipeline.sessions_opened()
            t0 = pipeline.gdap.step(f"outbox: {count:,} mails through the worker")
            outbox_rate = deliver(ids, worker)
            pipeline.gdap.done(t0, f"({outbox_rate:,.0f} mails/s)")
            time.sleep(1.5)
            opened = pipeline.sessions_opened() - sessions_before
            worker.stop()
            worker = None
            sink_counts = sink.stop()
            sink = None
        finally:
            if worker is not None:
                worker.stop()
            if sink is not None:
                sink.stop()
    sent = OutboxEmail.objects.filter(id__in=ids, status=OutboxStatus.SENT, attempts=1).count()
    return {"seconds": count / outbox_rate, "rate": outbox_rate, "smtplib_rate": smtplib_rate,
            "floor_counts": floor_counts, "sink_counts": sink_counts, "opened": opened, "sent": sent}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=0, help="mails per side (10,000; quick 1,000)")
    parser.add_argument("--quick", action="store_true", help="1,000 mails per side")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    count = args.count or (1_000 if args.quick else 10_000)
    started = time.perf_counter()
    broker = pipeline.start(f"Outbox mail benchmark — {count:,} mails", DEFAULT_URL)
    if broker is None:
        return 2
    try:
        result = outbox_measure(count, broker)
    except Exception as exc:  # noqa: BLE001
        print(f"\ncannot run: {exc}")
        return 2
    smtplib_rate, outbox_rate, sent = result["smtplib_rate"], result["rate"], result["sent"]
    floor_counts, sink_counts, opened = result["floor_counts"], result["sink_counts"], result["opened"]
    print(f"\n  smtplib, one connection   {smtplib_rate:8.1f} mails/s ({floor_counts[1]} SMTP connection)")
    print(f"  outbox + Celery           {outbox_rate:8.1f} mails/s")
    print(f"  the worker opened {sink_counts[1]} SMTP connections for {sink_counts[0]:,} mails (warm-up "
          f"included) and {opened} PostgreSQL sessions for {count:,} mails")
    checks = [(f"every row sent once, in one attempt: {sent:,}/{count:,}; the sink received {sink_counts[0]:,} "
               f"(expected {count + WARMUP:,} with the warm-up) and {floor_counts[0]:,} from smtplib",
               sent == count and sink_counts[0] == count + WARMUP and floor_counts[0] == count)]
    status = pipeline.verdict([("outbox mails/s / smtplib mails/s", outbox_rate / smtplib_rate, TARGET)],
                              args.strict, checks)
    print(f"\ntotal {time.perf_counter() - started:.0f}s")
    return status


if __name__ == "__main__":
    sys.exit(main())
