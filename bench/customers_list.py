#!/usr/bin/env python
"""Benchmark: the Customers list at 1,000 vs 200,000 customers, and the Django admin changelist.

The data holds 200,000 GDAP admin relationships of the 200k partner (1,000 of the 1k one), shown in
the list's "Admin permissions" column; "Expiring admin relationships" is measured for information.

    .venv/bin/python bench/customers_list.py [--repeat 30] [--warmup 5] [--fresh] [--strict] [--explain] [--drop]

Runs against its OWN PostgreSQL database (default postgres://postgres@127.0.0.1:5432/bench_partnercenter,
override with BENCH_DATABASE_URL). The database is created when missing and kept between runs so the
data is loaded once; --fresh drops and rebuilds it, --drop removes it at the end.

Prints median / p95 wall time per request (django.test.Client, in-process, no network), the queries per
request and the time PostgreSQL spent on them, then the ratios of this one run against the targets.
Exit status is 0 unless --strict is given and a target is missed (then 1); 2 when the benchmark itself
cannot run (a page does not answer 200, the data is wrong, ...). Not a test: timings vary by machine.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_partnercenter"

SMALL_CUSTOMERS = 1_000
LARGE_CUSTOMERS = 200_000
DAP_SHARE = 0.10
SUBSCRIPTION_SHARE = 0.30  # customers with 1–3 subscriptions (shown in the expanded rows)
RESELLERS = 10_000  # indirect resellers partnered with the 200k partner (an indirect provider)
# Former customers: removed relationships (F5) are a tenth of each partner's relationship rows; the
# list must not slow down for them (its indexes lead with partner, status).
REMOVED_SHARE = 0.10
ASSOCIATED_SHARE = 0.60  # its customers that one of them serves; the rest are its own
PARTNER_TYPE = "indirect_provider"  # --plain: "direct", with no resellers
# GDAP admin relationships (issue 10): LARGE_GDAP for the 200k partner, the same share for the 1k one.
# Per active customer: none for GDAP_SPREAD[0], one up to [1], two up to [2], else three; then trimmed
# or topped up to the exact total. Statuses by GDAP_STATUSES (cumulative shares).
LARGE_GDAP = 200_000
GDAP_SPREAD = (0.18, 0.85, 0.95)
GDAP_STATUSES = (("active", 0.72), ("expiring", 0.76), ("approvalPending", 0.88), ("terminated", 1.0))
SEARCH_TERM = "harbor"  # a word of NOUNS below: in roughly 1 % of the names
SEED = 20261121

# Targets (ratios of medians measured in the same run).
TARGET_SCALE = 1.3  # list 200k / list 1k must stay at or below this
TARGET_ADMIN = 5.0  # admin changelist 200k / our list 200k must be at least this

SMALL_DOMAIN = "bench-partner-small.example"
LARGE_DOMAIN = "bench-partner-large.example"
SMALL_ADMIN = "admin@bench-partner-small.example"
LARGE_ADMIN = "admin@bench-partner-large.example"
SUPERUSER = "operator@bench.example"

# --- word lists for customer names ------------------------------------------------------------------
SURNAMES = (
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf "
    "Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Werner Krause Lehmann Köhler "
    "Smith Johnson Brown Taylor Wilson Davies Evans Thomas Roberts Walker Wright Robinson Thompson Hughes "
    "Kovács Nagy Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas Dubois Laurent Moreau Lefèvre Garcia "
    "Martínez Rossi Russo Bianchi Ferrari Jansen DeVries Bakker Visser Andersen Nielsen Lindqvist Nowak"
).split()
ADJECTIVES = (
    "Blue Green Silver Golden Northern Southern Eastern Western Bright Swift Alpine Coastal Urban Royal "
    "Crystal Summit Prime Nova Atlas Apex Vertex Polar Solar Lunar Cedar Oak Maple Granite Iron Copper "
    "Rapid Clear Open Smart Global Pacific Atlantic Baltic Rhine Danube"
).split()
NOUNS = (
    "Harbor Bridge Valley River Peak Field Forest Stone Tower Gate Point Ridge Bay Lake Hill Port Crest "
    "Wave Star Leaf Pine Falcon Eagle Wolf Fox Lion Bear Hawk Raven Arrow Anchor Compass Beacon Lantern "
    "Horizon Meadow Canyon Island Delta Orbit"
).split()
INDUSTRIES = (
    "Logistics Consulting Software Solutions Systems Engineering Bau Technik Medien Design Energy Foods "
    "Pharma Dental Legal Steuerberatung Immobilien Transport Retail Trading Holdings Labs Analytics Studio "
    "Print Automotive Textil Hotels Travel Finance Insurance Robotics Networks Security Health Care Bakery "
    "Brewing Furniture Optics Tools"
).split()
LEGAL = ["GmbH", "GmbH", "GmbH & Co. KG", "AG", "KG", "e.K.", "Ltd", "LLC", "Inc.", "Kft.", "Zrt.", "SARL", "S.p.A.", "B.V.", "AB", "Sp. z o.o."]
COUNTRIES = ["DE", "DE", "DE", "AT", "CH", "HU", "GB", "US", "FR", "IT", "NL", "DK", "SE", "PL", "ES"]
CITIES = ["Berlin", "München", "Hamburg", "Köln", "Wien", "Zürich", "Budapest", "London", "Paris", "Milano", "Amsterdam", ""]


def company_name(rng: random.Random) -> str:
    pattern = rng.random()
    if pattern < 0.4:
        return f"{rng.choice(SURNAMES)} {rng.choice(INDUSTRIES)} {rng.choice(LEGAL)}"
    if pattern < 0.75:
        return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(INDUSTRIES)} {rng.choice(LEGAL)}"
    if pattern < 0.9:
        return f"{rng.choice(SURNAMES)} & {rng.choice(SURNAMES)} {rng.choice(LEGAL)}"
    return f"{rng.choice(NOUNS)}{rng.choice(['', 'ly', 'io', 'ix', 'ware'])} {rng.choice(INDUSTRIES)}"


# --- database bootstrap (before Django) --------------------------------------------------------------


def db_params(url: str) -> dict:
    import environ

    cfg = environ.Env.db_url_config(url)
    if not cfg["ENGINE"].startswith("django.db.backends.postgresql"):
        sys.exit(f"BENCH_DATABASE_URL must point to PostgreSQL, got {cfg['ENGINE']}")
    return cfg


def admin_connect(cfg: dict):  # -> psycopg.Connection
    import psycopg

    return psycopg.connect(
        host=cfg["HOST"] or "127.0.0.1", port=cfg["PORT"] or 5432, user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True, connect_timeout=5,
    )


def ensure_database(cfg: dict, *, fresh: bool) -> bool:
    """Create the bench database when missing (drop it first with --fresh). True when it was created."""
    from psycopg import sql

    name = cfg["NAME"]
    with admin_connect(cfg) as conn:
        if fresh:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name)))
            return True
    return False


def drop_database(cfg: dict) -> None:
    from psycopg import sql

    with admin_connect(cfg) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(cfg["NAME"])))


def configure_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "partnercenter.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ["TESTING"] = "true"  # plain static storage: no manifest needed
    hosts = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
    os.environ["ALLOWED_HOSTS"] = ",".join(dict.fromkeys([*hosts, "testserver"]))
    os.environ["SESSION_COOKIE_SECURE"] = "false"
    os.environ["CSRF_COOKIE_SECURE"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("REDIS_URL", None)  # cache in the bench database, never a shared Redis
    os.environ.pop("CELERY_BROKER_URL", None)

    import warnings

    import django

    # WhiteNoise warns once that STATIC_ROOT (collectstatic output) is missing; irrelevant here.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
    django.setup()


# --- data ------------------------------------------------------------------------------------------


def step(msg: str) -> float:
    print(f"  {msg} ...", end="", flush=True)
    return time.perf_counter()


def done(t0: float, extra: str = "") -> None:
    print(f" {time.perf_counter() - t0:.1f}s{(' ' + extra) if extra else ''}", flush=True)


def data_present() -> bool:
    from customers.models import RelationshipStatus, ResellerRelationship
    from gdap.models import AdminRelationship
    from partnercenter.models import Membership, Tenant, User
    from subscriptions.models import Subscription

    try:
        small = Tenant.objects.get(primary_domain=SMALL_DOMAIN)
        large = Tenant.objects.get(primary_domain=LARGE_DOMAIN)
    except Tenant.DoesNotExist:
        return False
    active = ResellerRelationship.objects.filter(status=RelationshipStatus.ACTIVE)
    return (
        active.filter(partner=small).count() == SMALL_CUSTOMERS
        and active.filter(partner=large).count() == LARGE_CUSTOMERS
        and Membership.objects.filter(tenant=small, user__email=SMALL_ADMIN).exists()
        and Membership.objects.filter(tenant=large, user__email=LARGE_ADMIN).exists()
        and User.objects.filter(email=SUPERUSER, is_staff=True, is_superuser=True).exists()
        and large.partner_type == small.partner_type == PARTNER_TYPE
        and Subscription.objects.filter(partner=large).exists()
        and ResellerRelationship.objects.filter(partner=large, status=RelationshipStatus.REMOVED).count()
        == removed_count(LARGE_CUSTOMERS)
        and AdminRelationship.objects.filter(partner=large).count() == LARGE_GDAP
        and AdminRelationship.objects.filter(partner=small).count() == gdap_total(SMALL_CUSTOMERS)
    )


def gdap_total(customers: int) -> int:
    return LARGE_GDAP * customers // LARGE_CUSTOMERS


def gdap_rows(partner_id: uuid.UUID, customer_ids: list[uuid.UUID], total: int, rng: random.Random,
              now: datetime) -> list[tuple]:
    """`total` admin relationships over the partner's customers: most have one, some none, some 2–3;
    active / expiring / approvalPending / terminated with end dates to match (COPY rows)."""
    counts = []
    for _ in customer_ids:
        r = rng.random()
        counts.append(0 if r < GDAP_SPREAD[0] else 1 if r < GDAP_SPREAD[1] else 2 if r < GDAP_SPREAD[2] else 3)
    diff = total - sum(counts)
    while diff:  # to the exact total, one random customer at a time
        i = rng.randrange(len(counts))
        if diff > 0 and counts[i] < 3:
            counts[i] += 1
            diff -= 1
        elif diff < 0 and counts[i] > 0:
            counts[i] -= 1
            diff += 1
    rows = []
    n = 0
    for cid, count in zip(customer_ids, counts, strict=True):
        for _ in range(count):
            n += 1
            r = rng.random()
            status = next(name for name, share in GDAP_STATUSES if r < share)
            duration = timedelta(days=rng.choice((90, 180, 365, 730)))
            activated = end = terminated = None
            side = ""
            if status == "active":  # ends after the 30-day window, within its duration from activation
                end = now + timedelta(days=31) + (duration - timedelta(days=31)) * rng.random()
            elif status == "expiring":
                end = now + timedelta(days=1 + rng.random() * 29)
            elif status == "terminated":
                terminated = now - timedelta(days=rng.randrange(1, 300))
                end = terminated
                side = rng.choice(("partner", "customer"))
            if end is not None:
                activated = (end if terminated is None else terminated + timedelta(days=1)) - duration
            created = (activated or now) - timedelta(days=rng.randrange(1, 30))
            auto = timedelta(days=180) if status in ("active", "expiring") and rng.random() < 0.3 else timedelta(0)
            rows.append((uuid.UUID(int=rng.getrandbits(128), version=4), 1, created, partner_id, cid,
                         f"GDAP {n:06d}", duration, auto, status, created, activated, end, terminated, side))
    return rows


def removed_count(active: int) -> int:
    """Removed rows that make REMOVED_SHARE of all of a partner's rows next to `active` active ones."""
    return round(active * REMOVED_SHARE / (1 - REMOVED_SHARE))


def load_data() -> None:
    from django.db import connection, transaction

    from customers.models import DelegatedAdminPermission, ResellerRelationship, Service
    from partnercenter.models import CompanyProfile, Membership, PartnerType, Tenant, TenantKind, User
    from partnercenter.roles import Role

    rng = random.Random(SEED)
    now = datetime.now(UTC)
    tenant_table = Tenant._meta.db_table
    rel_table = ResellerRelationship._meta.db_table
    dap_table = DelegatedAdminPermission._meta.db_table
    from subscriptions.models import Offer, Subscription

    sub_table = Subscription._meta.db_table
    from customers.models import ResellerAssociation
    from resellers.models import IndirectPartnership

    part_table = IndirectPartnership._meta.db_table
    from gdap.models import AdminRelationship

    gdap_table = AdminRelationship._meta.db_table
    assoc_table = ResellerAssociation._meta.db_table
    offer_ids = list(Offer.objects.values_list("id", flat=True))

    with transaction.atomic():
        t0 = step("clearing leftovers")
        with connection.cursor() as cur:
            cur.execute(
                f"TRUNCATE {tenant_table}, {User._meta.db_table}, django_session RESTART IDENTITY CASCADE"
            )
        done(t0)

        t0 = step("partners, users, memberships")
        partners = {}
        for i, (domain, label, email) in enumerate(
            [(SMALL_DOMAIN, "Small Bench Partner GmbH", SMALL_ADMIN), (LARGE_DOMAIN, "Large Bench Partner GmbH", LARGE_ADMIN)]
        ):
            partner = Tenant.objects.create(
                kind=TenantKind.PARTNER, name=label, primary_domain=domain, country="DE",
                mpn_id=f"{9000001 + i}",
                # Both of one type, so both pages carry the same parts (the reseller filter).
                partner_type=PARTNER_TYPE,
            )
            CompanyProfile.objects.create(tenant=partner, legal_name=label, support_email=f"support@{domain}")
            user = User.objects.create_user(email, None)  # unusable password: force_login only
            Membership.objects.create(user=user, tenant=partner, role=Role.GLOBAL_ADMIN)
            partners[domain] = partner
        User.objects.create_superuser(SUPERUSER, None)
        done(t0)

        t0 = step(f"generating {RESELLERS:,} indirect resellers")
        reseller_ids = []
        reseller_rows = []
        for r in range(RESELLERS):
            rid = uuid.UUID(int=rng.getrandbits(128), version=4)
            reseller_ids.append(rid)
            reseller_rows.append((rid, TenantKind.PARTNER.value, f"Reseller {r:05d} Kft.", f"r{r:05d}.example", "DE",
                                  "public", "", "", "", "", "", now, f"{8000000 + r}",
                                  PartnerType.INDIRECT_RESELLER.value, False, False, "", "", ""))
        done(t0)

        t0 = step(f"generating {SMALL_CUSTOMERS + LARGE_CUSTOMERS:,} customers")
        tenants: list[tuple] = []
        rels: list[tuple] = []
        daps: list[tuple] = []
        subs: list[tuple] = []
        assocs: list[tuple] = []
        services = [s.value for s in Service]
        n = 0
        for domain, count in ((SMALL_DOMAIN, SMALL_CUSTOMERS), (LARGE_DOMAIN, LARGE_CUSTOMERS)):
            partner_id = partners[domain].id
            for _ in range(count):
                n += 1
                cid = uuid.UUID(int=rng.getrandbits(128), version=4)
                created = now - timedelta(seconds=rng.randrange(3 * 365 * 86400))
                tenants.append(
                    (cid, TenantKind.CUSTOMER.value, company_name(rng), f"c{n:06d}.example", rng.choice(COUNTRIES),
                     "public", "", "", rng.choice(CITIES), "", "", created, None, "", False, False, "", "", "")
                )
                rel_at = created + timedelta(seconds=rng.randrange(86400 * 30))
                rels.append((partner_id, cid, "active", rel_at, tenants[-1][2], tenants[-1][3], None))
                if rng.random() < DAP_SHARE:
                    daps.append((partner_id, cid, rng.choice(services), "active", rel_at + timedelta(hours=1)))
                if domain == LARGE_DOMAIN and rng.random() < ASSOCIATED_SHARE:
                    # Skewed like a real channel: a few resellers carry many customers, most a few.
                    reseller = reseller_ids[min(int(rng.paretovariate(1.2)) - 1, RESELLERS - 1)] if rng.random() < 0.3 \
                        else rng.choice(reseller_ids)
                    assocs.append((cid, reseller, partner_id, "active", rel_at))
                if rng.random() < SUBSCRIPTION_SHARE:
                    for offer_id in rng.sample(offer_ids, rng.randint(1, 3)):
                        at = rel_at + timedelta(days=1)
                        subs.append((uuid.UUID(int=rng.getrandbits(128), version=4), partner_id, cid, offer_id,
                                     rng.randint(1, 50), "active", 1, at, at))
            for _ in range(removed_count(count)):  # former customers, interleaved in name and date order
                n += 1
                cid = uuid.UUID(int=rng.getrandbits(128), version=4)
                created = now - timedelta(seconds=rng.randrange(3 * 365 * 86400))
                tenants.append(
                    (cid, TenantKind.CUSTOMER.value, company_name(rng), f"c{n:06d}.example", rng.choice(COUNTRIES),
                     "public", "", "", rng.choice(CITIES), "", "", created, None, "", False, False, "", "", "")
                )
                rel_at = created + timedelta(seconds=rng.randrange(86400 * 30))
                rels.append((partner_id, cid, "removed", rel_at, tenants[-1][2], tenants[-1][3],
                             rel_at + timedelta(days=rng.randrange(1, 365))))
        # Relationship ids in creation order, as in production: unrelated to the name order.
        rels.sort(key=lambda r: r[3])
        done(t0, f"({len(daps):,} with DAP, {len(subs):,} subscriptions)")

        t0 = step("generating GDAP admin relationships")
        gdap_rng = random.Random(SEED + 10)  # its own stream: the rows above stay as they were
        gdap: list[tuple] = []
        for domain, count in ((SMALL_DOMAIN, SMALL_CUSTOMERS), (LARGE_DOMAIN, LARGE_CUSTOMERS)):
            partner_id = partners[domain].id
            active_ids = [r[1] for r in rels if r[0] == partner_id and r[2] == "active"]
            gdap += gdap_rows(partner_id, active_ids, gdap_total(count), gdap_rng, now)
        done(t0, f"({len(gdap):,})")

        with connection.cursor() as wrapper:
            cur = wrapper.cursor  # the psycopg cursor under Django's wrapper
            t0 = step("COPY tenants")
            cols = (
                "id, kind, name, primary_domain, country, cloud, address_line1, address_line2, city, postal_code, "
                "phone, created_at, mpn_id, partner_type, is_advisor, mfa_required, contact_first_name, "
                "contact_last_name, contact_email"
            )
            with cur.copy(f"COPY {tenant_table} ({cols}) FROM STDIN") as copy:
                for row in tenants:
                    copy.write_row(row)
                for row in reseller_rows:
                    copy.write_row(row)
            done(t0)
            t0 = step("COPY reseller relationships")
            with cur.copy(
                f"COPY {rel_table} (partner_id, customer_id, status, created_at, customer_name, customer_domain, removed_at) "
                "FROM STDIN"
            ) as copy:
                for row in rels:
                    copy.write_row(row)
            done(t0)
            t0 = step("COPY partnerships and reseller associations")
            with cur.copy(f"COPY {part_table} (provider_id, reseller_id, status, created_at) FROM STDIN") as copy:
                for rid in reseller_ids:
                    copy.write_row((partners[LARGE_DOMAIN].id, rid, "active", now))
            with cur.copy(
                f"COPY {assoc_table} (customer_id, reseller_id, provider_id, status, created_at) FROM STDIN"
            ) as copy:
                for row in assocs:
                    copy.write_row(row)
            done(t0, f"({len(assocs):,} associations)")
            t0 = step("COPY subscriptions")
            with cur.copy(
                f"COPY {sub_table} (id, partner_id, customer_id, offer_id, quantity, status, version, created_at, "
                "updated_at) FROM STDIN"
            ) as copy:
                for row in subs:
                    copy.write_row(row)
            done(t0)
            t0 = step("COPY GDAP admin relationships")
            with cur.copy(
                f"COPY {gdap_table} (id, version, last_modified_at, partner_id, customer_id, display_name, duration, "
                "auto_extend_duration, status, created_at, activated_at, end_at, terminated_at, terminated_side) "
                "FROM STDIN"
            ) as copy:
                for row in gdap:
                    copy.write_row(row)
            done(t0)
            t0 = step("COPY delegated admin permissions")
            with cur.copy(
                f"COPY {dap_table} (partner_id, customer_id, service, status, granted_at) FROM STDIN"
            ) as copy:
                for row in daps:
                    copy.write_row(row)
            done(t0)

    vacuum_analyze()


def vacuum_analyze() -> None:
    """Fresh statistics, no dead rows, all-visible pages: also after a reuse, since anything may have
    touched the database in between (an experiment's rolled-back UPDATE doubles the heap to scan)."""
    from django.db import connection

    from customers.models import DelegatedAdminPermission, ResellerAssociation, ResellerRelationship
    from gdap.models import AdminRelationship
    from partnercenter.models import Membership, Tenant, User
    from resellers.models import IndirectPartnership
    from subscriptions.models import Subscription

    t0 = step("VACUUM ANALYZE")
    with connection.cursor() as cur:
        for model in (Tenant, ResellerRelationship, DelegatedAdminPermission, Membership, User, ResellerAssociation,
                      IndirectPartnership, Subscription, AdminRelationship):
            cur.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    done(t0)


# --- measuring -------------------------------------------------------------------------------------


@dataclass
class Case:
    key: str
    label: str
    client: object
    url: str
    expect: str  # a snippet the page must contain (the benchmark checks it measures the right thing)
    info: bool = False  # shown, not part of a target
    wall_ms: list[float] = field(default_factory=list)
    db_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(self.wall_ms)

    def p95(self) -> float:
        ordered = sorted(self.wall_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank


def request(case: Case, *, record: bool) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        response = case.client.get(case.url)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        content = response.content
        elapsed = (time.perf_counter() - t0) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{case.label}: {case.url} answered {response.status_code}, benchmark aborted")
    if case.expect and case.expect.encode() not in content:
        raise SystemExit(f"{case.label}: {case.url} does not contain {case.expect!r}, benchmark aborted")
    if record:
        case.wall_ms.append(elapsed)
        case.db_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        case.queries.append(len(ctx.captured_queries))


def build_cases() -> list[Case]:
    from django.conf import settings
    from django.test import Client
    from django.utils.html import escape

    from customers import selectors
    from customers.models import RelationshipStatus, ResellerRelationship
    from partnercenter.models import Tenant, User

    small = Tenant.objects.get(primary_domain=SMALL_DOMAIN)
    large = Tenant.objects.get(primary_domain=LARGE_DOMAIN)

    def client_for(email: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(email=email))
        return client

    c_small, c_large, c_super = client_for(SMALL_ADMIN), client_for(LARGE_ADMIN), client_for(SUPERUSER)

    first = selectors.customers_page(partner=large, page_size=settings.CUSTOMERS_PAGE_SIZE)
    if not first.next_cursor:
        raise SystemExit("the 200k partner's first page has no next cursor, benchmark aborted")
    # The same link the "Next" button of the page carries.
    page2 = "/customers/?" + urlencode({"q": "", "sort": selectors.DEFAULT_SORT, "cursor": first.next_cursor})
    second = selectors.customers_page(
        partner=large, cursor=first.next_cursor, page_size=settings.CUSTOMERS_PAGE_SIZE
    )
    # A page deep in the list: the cursor of the row three quarters down (the way the page encodes it).
    ordered = selectors.customer_relationships(partner=large).order_by(*selectors.SORTS[selectors.DEFAULT_SORT])
    deep_row = ordered[LARGE_CUSTOMERS * 3 // 4]
    deep_cursor = selectors._encode(selectors._key(deep_row, selectors.DEFAULT_SORT))
    deep_url = "/customers/?" + urlencode({"q": "", "sort": selectors.DEFAULT_SORT, "cursor": deep_cursor})
    deep = selectors.customers_page(partner=large, cursor=deep_cursor, page_size=settings.CUSTOMERS_PAGE_SIZE)
    admin_url = "/django-admin/customers/resellerrelationship/"
    matches = (
        ResellerRelationship.objects.filter(
            partner=large, status=RelationshipStatus.ACTIVE, customer__name__icontains=SEARCH_TERM
        ).count()
    )
    print(f"  search term {SEARCH_TERM!r} matches {matches:,} of the 200k partner's customers")

    searched = selectors.customers_page(partner=large, search=SEARCH_TERM, page_size=settings.CUSTOMERS_PAGE_SIZE)
    if not searched.rows:
        raise SystemExit(f"search {SEARCH_TERM!r} finds nothing, benchmark aborted")
    small_first = selectors.customers_page(partner=small, page_size=settings.CUSTOMERS_PAGE_SIZE).rows[0]
    # The "Admin permissions" column shows GDAP on both pages (issue 10): the list measures it too.
    for client, label in ((c_small, "1k"), (c_large, "200k")):
        shown = client.get("/customers/").content.decode().count('class="visually-hidden">GDAP: ')
        if not shown:
            raise SystemExit(f"the {label} list shows no GDAP summary, benchmark aborted")
    print(f"  the 200k partner's first page shows GDAP for {shown} of its rows")

    from django.db.models import Count

    from customers.models import ResellerAssociation

    per_reseller = (
        ResellerAssociation.objects.filter(provider=large, status="active").values("reseller_id")
        .annotate(n=Count("id")).order_by("-n")
    )
    big = per_reseller.first()
    typical = per_reseller[len(per_reseller) // 2] if big is not None else None
    filter_cases = []
    if big is None:  # --plain: no channel data
        per_reseller = []
    else:
        print(f"  {RESELLERS:,} resellers; the biggest serves {big['n']:,} customers, a typical one {typical['n']:,}")
    for key, label, row in (("reseller_big", "filter: biggest reseller (200k)", big),
                            ("reseller_typical", "filter: typical reseller (200k)", typical)) if big else ():
        reseller = Tenant.objects.get(id=row["reseller_id"])
        shown = selectors.customers_page(partner=large, reseller=reseller, page_size=settings.CUSTOMERS_PAGE_SIZE)
        filter_cases.append(Case(key, label, c_large, f"/customers/?reseller={reseller.id}",
                                 escape(shown.rows[0].customer.name)))
    if big:
        # Other pages of a provider with 10,000 resellers (informational): its Indirect resellers
        # page and a form that names a reseller (a box for the MPN ID above 300 resellers).
        filter_cases += [
            Case("resellers_page", "Indirect resellers page (10k)", c_large, "/resellers/",
                 "Reseller 00000 Kft.", info=True),
            Case("order_form", "Add subscription form (10k)", c_large,
                 f"/customers/{first.rows[0].customer_id}/subscriptions/add/", 'name="partner_of_record"', info=True),
        ]

    return [
        Case("list_1k", "list /customers/ (1k)", c_small, "/customers/", escape(small_first.customer.name)),
        Case("list_200k", "list /customers/ (200k)", c_large, "/customers/", escape(first.rows[0].customer.name)),
        Case("search_200k", f"search ?q={SEARCH_TERM} (200k)", c_large, f"/customers/?q={SEARCH_TERM}",
             escape(searched.rows[0].customer.name)),
        Case("page2_200k", "page 2 via next cursor (200k)", c_large, page2, escape(second.rows[0].customer.name)),
        Case("deep_200k", "page at 75 % via cursor (200k)", c_large, deep_url, escape(deep.rows[0].customer.name),
             info=True),
        *filter_cases,
        Case("gdap_expiring_200k", "expiring GDAP page (200k)", c_large, "/gdap/expiring/",
             "Page 1 of", info=True),
        # The admin filtered like the list (active rows only): the same data on both sides.
        Case("admin_200k", "admin changelist (200k)", c_super,
             f"{admin_url}?partner__id__exact={large.id}&status__exact=active",
             str(LARGE_CUSTOMERS)),
        Case("admin_1k", "admin changelist (1k)", c_super,
             f"{admin_url}?partner__id__exact={small.id}&status__exact=active",
             str(SMALL_CUSTOMERS), info=True),
    ]


def explain() -> None:
    """EXPLAIN ANALYZE the list queries the selector runs (--explain)."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from customers import selectors
    from partnercenter.models import Tenant

    small = Tenant.objects.get(primary_domain=SMALL_DOMAIN)
    large = Tenant.objects.get(primary_domain=LARGE_DOMAIN)
    ordered = selectors.customer_relationships(partner=large).order_by(*selectors.SORTS[selectors.DEFAULT_SORT])
    deep_cursor = selectors._encode(selectors._key(ordered[LARGE_CUSTOMERS * 3 // 4], selectors.DEFAULT_SORT))
    runs = [
        ("first page, 1k partner", {"partner": small}),
        ("first page, 200k partner", {"partner": large}),
        ("page at 75 %, 200k partner", {"partner": large, "cursor": deep_cursor}),
        (f"search {SEARCH_TERM!r}, 200k partner", {"partner": large, "search": SEARCH_TERM}),
    ]
    for label, kwargs in runs:
        with CaptureQueriesContext(connection) as ctx:
            selectors.customers_page(page_size=settings.CUSTOMERS_PAGE_SIZE, **kwargs)
        sql = ctx.captured_queries[-1]["sql"]
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(r[0] for r in cur.fetchall())
        print(f"\n--- EXPLAIN ANALYZE, customers list, {label} ---\n{sql}\n\n{plan}")


# --- report ----------------------------------------------------------------------------------------


def report(cases: list[Case], strict: bool) -> int:
    by = {c.key: c for c in cases}
    print()
    head = f"{'request':<34} {'median ms':>10} {'p95 ms':>9} {'db ms (med)':>12} {'queries':>8}"
    print(head)
    print("-" * len(head))
    for c in cases:
        q = sorted(set(c.queries))
        qs = str(q[0]) if len(q) == 1 else f"{q[0]}-{q[-1]}"
        label = c.label + (" *" if c.info else "")
        print(f"{label:<34} {c.median():>10.1f} {c.p95():>9.1f} {statistics.median(c.db_ms):>12.1f} {qs:>8}")
    print(f"({len(cases[0].wall_ms)} requests each, interleaved; * = informational, not a target)")

    scale = by["list_200k"].median() / by["list_1k"].median()
    admin = by["admin_200k"].median() / by["list_200k"].median()
    plain = "reseller_big" not in by
    worst_filter = 0.0 if plain else max(by["reseller_big"].median(), by["reseller_typical"].median())
    filter_scale = worst_filter / by["list_1k"].median()
    filter_admin = by["admin_200k"].median() / worst_filter if worst_filter else 0.0
    q_list = set(by["list_1k"].queries) | set(by["list_200k"].queries)
    q_const = len(q_list) == 1
    results = [
        (f"list 200k / list 1k            = {scale:6.2f}  (target <= {TARGET_SCALE})", scale <= TARGET_SCALE),
        (f"admin 200k / our list 200k     = {admin:6.2f}  (target >= {TARGET_ADMIN})", admin >= TARGET_ADMIN),
        (f"reseller filter 200k / list 1k = {filter_scale:6.2f}  (target <= {TARGET_SCALE})",
         filter_scale <= TARGET_SCALE),
        (f"admin 200k / reseller filter   = {filter_admin:6.2f}  (target >= {TARGET_ADMIN})",
         filter_admin >= TARGET_ADMIN),
        (
            f"queries list 1k vs 200k        = {by['list_1k'].queries[0]} vs {by['list_200k'].queries[0]}"
            f"  (target: equal and constant)",
            q_const,
        ),
    ]
    if plain:
        results = [results[0], results[1], results[4]]
    print()
    for text, ok in results:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    missed = [t for t, ok in results if not ok]
    if scale < 1 / TARGET_SCALE:
        # The target is one-sided, but a page that costs more for the SMALL partner is not
        # size-independent either: the plan depends on how many customers the partner has.
        print(
            f"WARN  list 1k / list 200k            = {1 / scale:6.2f}  the 1k partner's page is the slow one;"
            " run with --explain"
        )
    print(f"\n{len(results) - len(missed)}/{len(results)} targets met.")
    if missed and strict:
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="measured requests per case (default 30)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up requests per case (default 5)")
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the bench database")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the list query")
    parser.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    parser.add_argument("--plain", action="store_true",
                        help="two direct partners: no resellers or associations, subscriptions kept (own database)")
    args = parser.parse_args()
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be >= 1 and --warmup >= 0")

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if args.plain:
        global RESELLERS, ASSOCIATED_SHARE, PARTNER_TYPE
        RESELLERS, ASSOCIATED_SHARE, PARTNER_TYPE = 0, 0.0, "direct"
        url = url.rstrip("/") + "_plain"
    cfg = db_params(url)
    started = time.perf_counter()
    print(f"Customers list benchmark — database {cfg['NAME']} on {cfg['HOST'] or 'localhost'}:{cfg['PORT'] or 5432}")
    created = ensure_database(cfg, fresh=args.fresh)
    configure_django(url)

    from django.core.management import call_command
    from django.db import connection

    t0 = step("migrate")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    done(t0)
    if not created and data_present():
        print("  reusing the data of a previous run (--fresh to rebuild)")
        vacuum_analyze()
    else:
        t_load = time.perf_counter()
        load_data()
        print(f"  data ready in {time.perf_counter() - t_load:.1f}s")

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        version = cur.fetchone()[0]
    print(f"  PostgreSQL {version}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")

    cases = build_cases()
    print(f"  warming up ({args.warmup} per case), then {args.repeat} measured requests per case ...", flush=True)
    for _ in range(args.warmup):
        for case in cases:
            request(case, record=False)
    # Round-robin: drift on the machine hits every case alike, so the ratios stay fair.
    for _ in range(args.repeat):
        for case in cases:
            request(case, record=True)

    if args.explain:
        explain()
    status = report(cases, args.strict)
    print(f"\ntotal {time.perf_counter() - started:.0f}s")
    if args.drop:
        connection.close()
        drop_database(cfg)
        print(f"dropped database {cfg['NAME']}")
    return status


if __name__ == "__main__":
    sys.exit(main())
