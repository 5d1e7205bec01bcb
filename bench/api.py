#!/usr/bin/env python
"""Benchmark: GET /v1/customers (Partner Center REST v1) against the HTML Customers list, on the
200k-customer bench database of bench/customers_list.py (its builder, reused), in one run.

    .venv/bin/python bench/api.py [--quick] [--repeat 30] [--warmup 5] [--rounds 6] [--seconds 3] [--threads 4]
                                  [--strict]

1. In process (django.test.Client, as customers_list.py): the API's page 1 and its page at 75 % (the
   MS-ContinuationToken of the row three quarters down, made from the keyset position the bench reads
   once) against the HTML list's page 1 and the same page at 75 %; median wall time, queries per request.
2. Under gunicorn (2 sync workers, real HTTP on 127.0.0.1): requests per second of the API list against
   a bare REST view (the same token: authentication, scope, throttle and the call's activity entry, then
   `{"ok": true}`), and of the HTML list against a bare page (the same session and tenant check, then
   "ok") — each list against a bare view of its kind through the same middleware; for information also
   the empty shell page (the same session, base.html rendered with no content: what the shell alone
   costs) and a bare view with no session or token. Each driven by --threads threads with http.client
   for --seconds, in --rounds interleaved rounds (the order reversed every other round; a list and its bare
   view are measured next to each other). A ratio is the median of its rounds' ratios, each round's list
   rate over the same round's bare rate, so a burst of steal time on a shared machine moves one round, not
   the verdict; every round's ratio is printed with it. The bare views are added by a URLconf the bench
   writes to a temporary directory and names in DJANGO_SETTINGS_MODULE for gunicorn only.

Prints `PASS|FAIL <what> = <ratio> (target …)` lines. Exit 0 unless --strict and a miss (1); 2 when it
cannot run (no PostgreSQL, a page not 200, gunicorn does not start). --quick: a database of its own with
20,000 customers (bench_partnercenter_quick), fewer requests. Not a test: timings vary by machine.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, this directory comes first on sys.path, and this file would shadow the `api` app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("bench_customers_list", HERE / "customers_list.py")
base = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = base  # its dataclasses look their module up
_spec.loader.exec_module(base)  # the 200k database: its builder, names and Django bootstrap

TARGET_LATENCY = 1.0  # API page / HTML page (median, in process): the API is no slower than the page
TARGET_THROUGHPUT = 0.40  # requests/s of the API list / bare REST view, of the HTML list / bare page
APP_NAME = "bench api"
DEFAULT_REDIS = "redis://127.0.0.1:6379/7"
BARE_PATH = "/bench-bare/"


def quick_sizes() -> None:
    """--quick: a tenth of the data in a database of its own (the builder reads these at call time)."""
    base.LARGE_CUSTOMERS, base.LARGE_GDAP, base.RESELLERS = 20_000, 20_000, 1_000


def prepare_database(url: str) -> None:
    from django.core.management import call_command

    created = base.ensure_database(base.db_params(url), fresh=False)
    base.configure_django(url)
    t0 = base.step("migrate")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    base.done(t0)
    if not created and base.data_present():
        print("  reusing the data of a previous run")
        base.vacuum_analyze()
    else:
        base.load_data()


def use_redis(redis_url: str) -> None:
    """Cache (the API's rate limit) and sessions in Redis, as in production (settings.py with REDIS_URL),
    here and in gunicorn's workers; the bench's Redis database is emptied first."""
    import redis
    from django.test.utils import override_settings

    redis.Redis.from_url(redis_url).flushdb()
    os.environ["REDIS_URL"] = redis_url  # read by the workers' settings
    override_settings(CACHES={"default": {"BACKEND": "partnercenter.cache.RedisCache",
                                          "LOCATION": redis_url}},
                      SESSION_ENGINE="django.contrib.sessions.backends.cached_db").enable()


def bearer_token(partner) -> str:  # noqa: ANN001
    """A fresh app of the 200k partner (the previous run's is removed) and a token by client credentials."""
    from django.test import Client
    from oauth2_provider.models import Application

    from api.models import SCOPES, ApiApp
    from api.services import api_app_create
    from partnercenter.models import User
    from partnercenter.roles import Role

    old = list(ApiApp.objects.filter(partner=partner, name=APP_NAME).values_list("application_id", flat=True))
    ApiApp.objects.filter(partner=partner, name=APP_NAME).delete()
    Application.objects.filter(id__in=old).delete()
    app, secret = api_app_create(partner=partner, actor=User.objects.get(email=base.LARGE_ADMIN), name=APP_NAME,
                                 scopes=[s for s in SCOPES if s.endswith(".read")], roles=[Role.GLOBAL_ADMIN])
    response = Client().post("/oauth2/token/", {"grant_type": "client_credentials", "client_id": app.client_id,
                                                "client_secret": secret})
    if response.status_code != 200:
        raise SystemExit(f"no token: {response.status_code} {response.content[:200]!r}")
    return response.json()["access_token"]


def build_cases(token: str) -> tuple[list, dict]:
    """The in-process cases and what the gunicorn phase needs (paths, headers, cookie)."""
    from django.conf import settings
    from django.test import Client

    from api.rest.paging import token_encode
    from customers import selectors
    from partnercenter.models import Tenant, User

    large = Tenant.objects.get(primary_domain=base.LARGE_DOMAIN)
    size = settings.CUSTOMERS_PAGE_SIZE  # the same number of rows on both sides
    html = Client()
    html.force_login(User.objects.get(email=base.LARGE_ADMIN))
    api = Client(headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    first = selectors.customers_page(partner=large, page_size=size)
    # The keyset position three quarters down, read once; the API's token and the page's cursor wrap it.
    ordered = selectors.customer_relationships(partner=large).order_by(*selectors.SORTS[selectors.DEFAULT_SORT])
    cursor = selectors._encode(selectors._key(ordered[base.LARGE_CUSTOMERS * 3 // 4], selectors.DEFAULT_SORT))
    deep = selectors.customers_page(partner=large, cursor=cursor, page_size=size)
    api_deep = Client(headers={"Authorization": f"Bearer {token}", "Accept": "application/json",
                               "MS-ContinuationToken": token_encode(cursor, {})})
    list_url = f"/v1/customers?size={size}"
    cases = [
        base.Case("html_1", "HTML list page 1", html, "/customers/", str(first.rows[0].customer_id)),
        base.Case("api_1", "API page 1", api, list_url, str(first.rows[0].customer_id)),
        base.Case("html_75", "HTML list page at 75 %", html, f"/customers/?sort=name&cursor={cursor}",
                  str(deep.rows[0].customer_id)),
        base.Case("api_75", "API page at 75 % (token)", api_deep, list_url, str(deep.rows[0].customer_id)),
    ]
    bearer = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    session = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={html.cookies[settings.SESSION_COOKIE_NAME].value}"}
    served = {"api": (list_url, bearer), "rest_bare": (f"{BARE_PATH}rest/", bearer),
              "html": ("/customers/", session), "page_bare": (f"{BARE_PATH}page/", session),
              "shell": (f"{BARE_PATH}shell/", session), "bare": (BARE_PATH, {})}
    return cases, served


# --- gunicorn --------------------------------------------------------------------------------------

BARE_MODULES = {
    "bench_api_settings.py": "from partnercenter.settings import *  # noqa: F403\nROOT_URLCONF = 'bench_api_urls'\n",
    "bench_api_urls.py": f"""
from django.http import HttpResponse, HttpResponseRedirect
from django.template import engines
from django.views.decorators.http import require_POST
from django.urls import path
from rest_framework.response import Response

from api.base import RestView
from partnercenter.permissions import tenant_view
from partnercenter.roles import Perm
from partnercenter.urls import urlpatterns as portal


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


@tenant_view(Perm.CUSTOMERS_VIEW)
def bare_page(request):
    return HttpResponse(b"ok", content_type="text/plain")


SHELL = engines["django"].from_string('{{% extends "base.html" %}}')


@tenant_view(Perm.CUSTOMERS_VIEW)
def shell_page(request):
    return HttpResponse(SHELL.render({{}}, request))


# A signed-in user's form POST through the same middleware (session, CSRF) that does nothing: what
# bench/acceptance_pipeline.py's "Accept" costs before its own work.
@require_POST
def bare_post(request):
    if not request.user.is_authenticated:
        return HttpResponse(b"signed out", status=403, content_type="text/plain")
    return HttpResponseRedirect("{BARE_PATH}")


class BareRest(RestView):
    api_area = "customers"
    api_perms = {{"GET": Perm.CUSTOMERS_VIEW}}

    def get(self, request):
        return Response({{"ok": True}})


urlpatterns = [path("{BARE_PATH[1:]}", bare), path("{BARE_PATH[1:]}page/", bare_page),
               path("{BARE_PATH[1:]}shell/", shell_page),
               path("{BARE_PATH[1:]}rest/", BareRest.as_view()), path("{BARE_PATH[1:]}post/", bare_post),
               *portal]
""",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_start(tmp: Path) -> tuple[subprocess.Popen, int]:
    for name, text in BARE_MODULES.items():
        (tmp / name).write_text(text)
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench_api_settings",
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp)])}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "partnercenter.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn ended: {process.stderr.read().decode()[-2000:]}")
        try:
            status, _body = fetch(port, BARE_PATH, {})
            if status == 200:
                return process, port
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def fetch(port: int, path: str, headers: dict, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def load(port: int, path: str, headers: dict, *, threads: int, seconds: float) -> float:
    """Requests per second: `threads` threads, each with its own connection, for `seconds`."""
    done, failed = [0] * threads, []
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # reopened when the server closes it
        while time.monotonic() < stop:
            status, _body = fetch(port, path, headers, conn)
            if status != 200:
                failed.append(status)
                return
            done[index] += 1
        conn.close()

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if failed:
        raise SystemExit(f"{path} answered {failed[0]} under load, benchmark aborted")
    return sum(done) / (time.monotonic() - started)


def throughput(served: dict, *, threads: int, seconds: float, rounds: int) -> dict[str, list[float]]:
    """Requests per second of every case in each of `rounds` rounds (the order reversed every other round)."""
    with tempfile.TemporaryDirectory() as tmp:
        process, port = gunicorn_start(Path(tmp))
        try:
            for key in served:  # warm both workers up
                path, headers = served[key]
                load(port, path, headers, threads=threads, seconds=1)
            rates: dict[str, list[float]] = {key: [] for key in served}
            for number in range(rounds):  # drift hits every case alike
                for key in tuple(served) if number % 2 == 0 else tuple(reversed(served)):
                    path, headers = served[key]
                    rates[key].append(load(port, path, headers, threads=threads, seconds=seconds))
        finally:
            process.terminate()
            process.wait(timeout=30)
    return rates


def ratio_of_rounds(rates: dict[str, list[float]], top: str, bottom: str) -> tuple[float, list[float]]:
    """The median of the rounds' top/bottom ratios, and those ratios."""
    each = [a / b for a, b in zip(rates[top], rates[bottom], strict=True)]
    return statistics.median(each), each


# --- report ----------------------------------------------------------------------------------------


def report(cases: list, rounds: dict[str, list[float]], strict: bool) -> int:
    by = {case.key: case for case in cases}
    print(f"\n{'request (in process)':<30} {'median ms':>10} {'p95 ms':>9} {'db ms':>7} {'cpu ms':>7} {'queries':>8}")
    for case in cases:
        q = sorted(set(case.queries))
        print(f"{case.label:<30} {case.median():>10.1f} {case.p95():>9.1f} {statistics.median(case.db_ms):>7.1f} "
              f"{statistics.median(case.cpu_ms):>7.1f} {str(q[0]) if len(q) == 1 else f'{q[0]}-{q[-1]}':>8}")
    rates = {key: statistics.median(values) for key, values in rounds.items()}
    api_rest, api_rounds = ratio_of_rounds(rounds, "api", "rest_bare")
    html_page, html_rounds = ratio_of_rounds(rounds, "html", "page_bare")
    print(f"\n{'gunicorn, 2 workers':<30} {'requests/s':>10}  (median of {len(rounds['api'])} rounds; each round)")
    for key, label in (("api", "API list (page 1)"), ("rest_bare", "bare REST view (same token)"),
                       ("html", "HTML list (page 1)"), ("shell", "shell page (same session)"),
                       ("page_bare", "bare page (same session)"),
                       ("bare", "bare view (no sign-in), info")):
        print(f"{label:<30} {rates[key]:>10.1f}  {' '.join(f'{v:.0f}' for v in rounds[key])}")
    # The app's last use is written at most once a minute: a request that does it has one query more.
    q1, q75 = statistics.median_low(by["api_1"].queries), statistics.median_low(by["api_75"].queries)
    results = [
        ("API page 1 / HTML page 1", by["api_1"].median() / by["html_1"].median(), "<=", TARGET_LATENCY),
        ("API page at 75 % / HTML page at 75 %", by["api_75"].median() / by["html_75"].median(), "<=",
         TARGET_LATENCY),
        ("API list req/s / bare REST view req/s", api_rest, ">=", TARGET_THROUGHPUT, api_rounds),
        ("HTML list req/s / bare page req/s", html_page, ">=", TARGET_THROUGHPUT, html_rounds),
    ]
    print()
    missed = 0
    for what, ratio, op, target, *each in results:
        ok = ratio <= target if op == "<=" else ratio >= target
        missed += not ok
        spread = f"; rounds {', '.join(f'{v:.2f}' for v in each[0])}" if each else ""
        print(f"{'PASS' if ok else 'FAIL'} {what} = {ratio:.2f} (target {op} {target}{spread})")
    constant = q1 == q75
    missed += not constant
    print(f"{'PASS' if constant else 'FAIL'} API queries page 1 vs page at 75 % = {q1} vs {q75} (target: equal)")
    print(f"INFO API page 1 / HTML page 1 in CPU time of this process = "
          f"{statistics.median(by['api_1'].cpu_ms) / statistics.median(by['html_1'].cpu_ms):.2f}")
    print(f"INFO HTML list req/s / shell page req/s = {rates['html'] / rates['shell']:.2f}; "
          f"shell page / bare page = {rates['shell'] / rates['page_bare']:.2f} (what the shell alone costs)")
    print(f"INFO API list req/s / bare view (no sign-in) req/s = {rates['api'] / rates['bare']:.2f}; "
          f"HTML list = {rates['html'] / rates['bare']:.2f}")
    return 1 if missed and strict else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 customers in a database of their own")
    parser.add_argument("--repeat", type=int, default=0, help="measured requests per in-process case (30; quick 10)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up requests per in-process case")
    parser.add_argument("--seconds", type=float, default=0, help="seconds per case and load round (3; quick 2)")
    parser.add_argument("--rounds", type=int, default=6, help="interleaved load rounds (6)")
    parser.add_argument("--threads", type=int, default=4, help="load generator threads")
    parser.add_argument("--no-redis", action="store_true",
                        help="cache and sessions in PostgreSQL (as customers_list.py) instead of Redis")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    repeat = args.repeat or (10 if args.quick else 30)
    seconds = args.seconds or (2.0 if args.quick else 3.0)
    url = os.environ.get("BENCH_DATABASE_URL", base.DEFAULT_URL)
    if args.quick:
        quick_sizes()
        url = url.rstrip("/") + "_quick"
    # Many requests a minute from one partner: the API's rate limit is not what is measured.
    os.environ["API_THROTTLE_RATE"] = "100000000/min"
    started = time.perf_counter()
    print(f"REST v1 customers benchmark — {base.LARGE_CUSTOMERS:,} customers, database {url.rsplit('/', 1)[-1]}")
    import psycopg

    try:
        prepare_database(url)
    except psycopg.OperationalError as exc:  # no server to measure on
        print(f"cannot run: {exc}", file=sys.stderr)
        return 2
    if not args.no_redis:
        use_redis(os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    from partnercenter.models import Tenant

    cases, served = build_cases(bearer_token(Tenant.objects.get(primary_domain=base.LARGE_DOMAIN)))
    print(f"  in process: {args.warmup} warm-up and {repeat} measured requests per case, interleaved ...", flush=True)
    for round_number in range(args.warmup + repeat):
        for case in cases:
            cpu = time.process_time()
            base.request(case, record=round_number >= args.warmup)
            if round_number >= args.warmup:  # this process's CPU: what other load on the machine leaves alone
                case.cpu_ms = [*getattr(case, "cpu_ms", []), (time.process_time() - cpu) * 1000]
    print(f"  gunicorn: {args.threads} threads, {args.rounds} rounds of {seconds:g} s per case ...", flush=True)
    rates = throughput(served, threads=args.threads, seconds=seconds, rounds=args.rounds)
    status = report(cases, rates, args.strict)
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
