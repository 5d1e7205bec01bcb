#!/usr/bin/env python
"""Benchmark: the CSV exports at 200,000 rows against PostgreSQL's own COPY of the same query, in one run.

    .venv/bin/python bench/exports.py [--quick] [--repeat 3] [--strict]

On the 200k-customer bench database of bench/customers_list.py (its builder and Django bootstrap,
reused as bench/api.py does), for the customers export (/customers/export.csv), the subscriptions
export of all customers (/subscriptions/export.csv) and the activity-log export
(/activity/?format=csv), each as the 200k partner and as the 1k partner:

1. Time: the export read to its last byte in process (django.test.Client, force_login, no network)
   against `COPY (the same query) TO STDOUT WITH CSV` through psycopg, where "the same query" is the
   SELECT the view ran, captured while it ran (connection.execute_wrapper) and bound client-side.
   Medians of --repeat interleaved rounds. Target: export / COPY <= 3.
2. Memory: the peak of Python allocations (tracemalloc) while the export is read, above what was
   allocated before the request, at 200k against at 1k (a separate pass: tracemalloc slows Python).
   Target: <= 1.5, i.e. the export streams instead of holding the list. For information the growth of
   this process's peak RSS (VmHWM, reset through /proc/self/clear_refs) and whether the rows came
   through a server-side cursor or a stream (psycopg's Cursor.stream(), partnercenter/dbstream.py).

The activity log gets rows in the data step when it has too few (one entry per customer of each
partner, of a few kinds with their data, written with COPY in the bench database only).

Prints `PASS|FAIL <what> = <ratio> (target …)` lines. Exit 0 unless --strict and a miss (1); 2 when it
cannot run (no PostgreSQL, an export not 200, the export and COPY disagree on the number of lines).
--quick: a database of its own with 20,000 customers (bench_exports_quick). Not a test: timings vary.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_api", HERE / "api.py")
api = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = api
_spec.loader.exec_module(api)  # its database preparation, and through it customers_list.py's builder
base = api.base

TARGET_TIME = 3.0  # export / COPY of the same query
TARGET_MEMORY = 1.5  # peak at 200k / peak at 1k
QUICK_DATABASE = "bench_exports_quick"


@dataclass
class Case:
    key: str  # customers, subscriptions, activity
    size: str  # 1k, 200k
    client: object
    url: str
    table: str  # the export's query reads FROM this table
    export_ms: list[float] = field(default_factory=list)
    copy_ms: list[float] = field(default_factory=list)
    sql: str = ""
    server_side: bool = False
    lines: int = 0
    nbytes: int = 0
    peak: int = 0
    rss: int = 0


# --- data ------------------------------------------------------------------------------------------


ACTIVITY_KINDS = ("relationship.created", "customer.added", "dap.granted", "api.call", "relationship.removed")


def ensure_activity() -> None:
    """One activity entry per customer of each partner (of a few kinds, with their data), unless the
    log holds that many already. Written with COPY, in the bench database only."""
    from django.db import connection, transaction

    from customers.models import ResellerRelationship
    from partnercenter.models import ActivityLog, Tenant

    rng = random.Random(base.SEED + 20)
    now = datetime.now(UTC)
    for domain, email, wanted in ((base.SMALL_DOMAIN, base.SMALL_ADMIN, base.SMALL_CUSTOMERS),
                                  (base.LARGE_DOMAIN, base.LARGE_ADMIN, base.LARGE_CUSTOMERS)):
        partner = Tenant.objects.get(primary_domain=domain)
        missing = wanted - ActivityLog.objects.filter(tenant=partner).count()
        if missing <= 0:
            continue
        t0 = base.step(f"COPY {missing:,} activity entries of {partner.name}")
        customers = list(ResellerRelationship.objects.filter(partner=partner)
                         .values_list("customer_id", "customer_name", "customer_domain")[:missing])
        with transaction.atomic(), connection.cursor() as wrapper, wrapper.cursor.copy(
            f"COPY {ActivityLog._meta.db_table} (tenant_id, actor_email, actor_client, kind, customer_id, "
            "description, data, ip_address, created_at) FROM STDIN"
        ) as copy:
            import json

            for n in range(missing):
                customer_id, name, customer_domain = customers[n % len(customers)]
                kind = ACTIVITY_KINDS[n % len(ACTIVITY_KINDS)]
                data = {"partner": partner.name, "customer": name, "domain": customer_domain,
                        "services": ["exchange", "sharepoint"], "method": "GET", "path": "/v1/customers",
                        "status": 200, "app": "bench"}
                api_call = kind == "api.call"
                copy.write_row((partner.id, "" if api_call else email, "bench-client" if api_call else "", kind,
                                None if api_call else customer_id, "", json.dumps(data),
                                f"192.0.2.{n % 250 + 1}", now - timedelta(seconds=rng.randrange(365 * 86400))))
        base.done(t0)
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {ActivityLog._meta.db_table}")


# --- measurement -----------------------------------------------------------------------------------


def build_cases() -> list[Case]:
    from django.test import Client

    from partnercenter.models import User

    cases = []
    for size, email in (("1k", base.SMALL_ADMIN), ("200k", base.LARGE_ADMIN)):
        client = Client()
        client.force_login(User.objects.get(email=email))
        cases += [Case("customers", size, client, "/customers/export.csv", "customers_resellerrelationship"),
                  Case("subscriptions", size, client, "/subscriptions/export.csv", "subscriptions_subscription"),
                  Case("activity", size, client, "/activity/?format=csv", "partnercenter_activitylog")]
    return cases


def read_export(case: Case) -> tuple[int, int]:
    """GET the export and read it to the end without keeping it; (lines, bytes)."""
    response = case.client.get(case.url)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/csv"):
        raise SystemExit(f"{case.key} {case.size}: {case.url} answered {response.status_code} "
                         f"{response.get('Content-Type')}, benchmark aborted")
    lines = nbytes = 0
    for part in response.streaming_content:
        lines += part.count(b"\n")
        nbytes += len(part)
    response.close()
    return lines, nbytes


def capture_sql(case: Case) -> None:
    """Run the export once and keep the SELECT it read its rows with, bound client-side."""
    import psycopg
    from django.db import connection

    seen: list[tuple[str, object, bool]] = []

    def wrapper(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        cursor = getattr(context["cursor"], "cursor", None)
        # A server-side cursor has a name; partnercenter/dbstream.py's stream says so in the context.
        seen.append((sql, params, bool(getattr(cursor, "name", None)) or bool(context.get("streamed"))))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        case.lines, case.nbytes = read_export(case)
    selects = [s for s in seen if s[0].lstrip().upper().startswith("SELECT") and f'FROM "{case.table}"' in s[0]]
    if not selects:
        raise SystemExit(f"{case.key} {case.size}: no query of {case.table} seen, benchmark aborted")
    sql, params, case.server_side = selects[-1]
    connection.ensure_connection()  # the finished request closed it
    with psycopg.ClientCursor(connection.connection) as cur:
        case.sql = cur.mogrify(sql, params)


def run_copy(case: Case) -> int:
    """COPY (the export's query) TO STDOUT WITH CSV, read to the end; the number of lines."""
    from django.db import connection

    lines = 0
    connection.ensure_connection()
    with connection.cursor() as wrapper, wrapper.cursor.copy(f"COPY ({case.sql}) TO STDOUT WITH CSV") as copy:
        for data in copy:
            lines += bytes(data).count(b"\n")
    return lines


def timed(fn, *args) -> tuple[float, object]:  # noqa: ANN001
    t0 = time.perf_counter()
    result = fn(*args)
    return (time.perf_counter() - t0) * 1000, result


def vm_kib(field_name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


def measure_memory(case: Case) -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
        rss_before = vm_kib("VmRSS")
    except OSError:
        rss_before = None
    tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    read_export(case)
    case.peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    case.rss = vm_kib("VmHWM") - rss_before if rss_before is not None else -1


def report(cases: list[Case], strict: bool) -> int:
    by = {(c.key, c.size): c for c in cases}
    print(f"\n{'case':<22}{'lines':>9}{'MB':>8}{'export ms':>11}{'COPY ms':>9}{'peak KiB':>10}{'RSS+ KiB':>10}"
          "  server-side cursor / stream")
    for c in cases:
        print(f"{c.key + ' ' + c.size:<22}{c.lines:>9,}{c.nbytes / 1e6:>8.1f}{statistics.median(c.export_ms):>11.0f}"
              f"{statistics.median(c.copy_ms):>9.0f}{c.peak / 1024:>10.0f}{c.rss:>10}  {'yes' if c.server_side else 'no'}")
    print()
    missed = 0
    for key in ("customers", "subscriptions", "activity"):
        large, small = by[(key, "200k")], by[(key, "1k")]
        ratio = statistics.median(large.export_ms) / statistics.median(large.copy_ms)
        ok = ratio <= TARGET_TIME
        missed += not ok
        print(f"{'PASS' if ok else 'FAIL'} {key} export 200k / COPY of its query = {ratio:.2f} (target <= {TARGET_TIME})")
        ratio = large.peak / max(small.peak, 1)
        ok = ratio <= TARGET_MEMORY
        missed += not ok
        print(f"{'PASS' if ok else 'FAIL'} {key} export peak memory (tracemalloc) 200k / 1k = {ratio:.2f} "
              f"(target <= {TARGET_MEMORY})")
    return 1 if missed and strict else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"20,000 customers in a database of their own "
                                                             f"({QUICK_DATABASE})")
    parser.add_argument("--repeat", type=int, default=3, help="measured rounds (export and COPY, interleaved)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", base.DEFAULT_URL)
    if args.quick:
        api.quick_sizes()
        url = url.rsplit("/", 1)[0] + "/" + QUICK_DATABASE
    started = time.perf_counter()
    print(f"CSV exports benchmark — {base.LARGE_CUSTOMERS:,} customers, database {url.rsplit('/', 1)[-1]}")
    import psycopg

    try:
        api.prepare_database(url)
    except psycopg.OperationalError as exc:
        print(f"cannot run: {exc}", file=sys.stderr)
        return 2
    ensure_activity()
    cases = build_cases()
    print("  one warm-up export per case, its query captured ...", flush=True)
    for case in cases:
        capture_sql(case)
        copied = run_copy(case)
        if copied + 1 != case.lines:  # the export has a header line
            raise SystemExit(f"{case.key} {case.size}: the export has {case.lines:,} lines, COPY of its query "
                             f"{copied:,} rows, benchmark aborted")
    print(f"  {args.repeat} rounds of export and COPY per case ...", flush=True)
    for _round in range(args.repeat):
        for case in cases:
            case.export_ms.append(timed(read_export, case)[0])
            case.copy_ms.append(timed(run_copy, case)[0])
    print("  peak memory per case (tracemalloc) ...", flush=True)
    for case in cases:
        measure_memory(case)
    status = report(cases, args.strict)
    print(f"\ntotal {time.perf_counter() - started:.0f}s")
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit as exc:  # the builder's and this script's aborts: the benchmark could not run
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
            sys.exit(2)
        raise
