"""Issue 8: search with capitals outside ASCII — Unicode case folding on PostgreSQL and SQLite alike."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connection

from customers import selectors
from customers.services import reseller_relationship_ensure
from partnercenter.textmatch import fold, sqlite_functions_register
from tests.conftest import client_for
from tests.factories import TenantFactory

NAMES = ["Müller Bäckerei GmbH", "Őrség Kávé Kft.", "Adatum AG", "Straße 9 AG"]
TERMS = [("MÜLLER", {"Müller Bäckerei GmbH"}), ("BÄCKEREI", {"Müller Bäckerei GmbH"}),
         ("müller", {"Müller Bäckerei GmbH"}), ("ŐRSÉG KÁVÉ", {"Őrség Kávé Kft."}), ("kávé", {"Őrség Kávé Kft."}),
         ("ADATUM", {"Adatum AG"}), ("STRAßE", {"Straße 9 AG"})]


def _customers(partner) -> None:
    for name in NAMES:
        reseller_relationship_ensure(partner=partner, customer=TenantFactory(name=name), actor=None)


@pytest.mark.django_db
@pytest.mark.parametrize(("term", "expected"), TERMS)
def test_capitals_outside_ascii_find_the_customer(partner, partner_admin, term, expected):
    """On the test database (PostgreSQL under CI, SQLite without it) through the Customers page."""
    _customers(partner)
    page = client_for(partner_admin).get("/customers/", {"q": term}).context["page"]
    assert {row.customer.name for row in page.rows} == expected


@pytest.mark.django_db
def test_postgresql_keeps_the_index_friendly_query(partner):
    """The plans stay as they were: UPPER(column) LIKE UPPER(pattern), what the trigram indexes on
    UPPER(customer_name) and UPPER(customer_domain) serve; no function of ours on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    sql, _params = selectors.customer_relationships(partner=partner, search="MÜLLER").query.sql_with_params()
    assert 'UPPER("customers_resellerrelationship"."customer_name"::text) LIKE UPPER(' in sql
    assert "pc_fold" not in sql


def test_fold_maps_like_postgresql_upper():
    assert fold("Müller bäckerei") == "MÜLLER BÄCKEREI"
    assert fold("őrség σς") == "ŐRSÉG ΣΣ"
    assert fold("Straße") == "STRAßE"  # one character to one, as PostgreSQL's UPPER() does
    assert fold(None) is None


def test_sqlite_connection_finds_unicode_capitals():
    """The SQL Django writes for icontains on SQLite, run on an in-memory SQLite connection that has
    the same function registered: without it LIKE folds ASCII only and "MÜLLER" finds nothing."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from partnercenter.models import Tenant

    probe = DatabaseWrapper({"NAME": ":memory:", "ENGINE": "django.db.backends.sqlite3", "OPTIONS": {},
                             "TIME_ZONE": None, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
                             "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "USER": "", "PASSWORD": "",
                             "HOST": "", "PORT": "", "TEST": {}}, alias="sqlite_probe")
    query = Tenant.objects.filter(name__icontains="MÜLLER").values_list("name", flat=True).query
    sql, params = query.get_compiler(connection=probe).as_sql()
    assert "pc_fold" in sql
    raw = sqlite3.connect(":memory:")
    raw.execute('CREATE TABLE "partnercenter_tenant" ("name" varchar(200))')
    raw.executemany('INSERT INTO "partnercenter_tenant" ("name") VALUES (?)', [(n,) for n in NAMES])
    plain = sql.replace("pc_fold", "")  # what SQLite did before: its own LIKE only
    assert raw.execute(plain.replace("%s", "?"), params).fetchall() == []
    sqlite_functions_register(raw)
    assert raw.execute(sql.replace("%s", "?"), params).fetchall() == [("Müller Bäckerei GmbH",)]
    probe.close()


def test_sqlite_connections_get_the_function_on_creation(tmp_path, django_db_blocker):
    """connection_created registers pc_fold on every new Django SQLite connection."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    probe = DatabaseWrapper({"NAME": str(tmp_path / "probe.sqlite3"), "ENGINE": "django.db.backends.sqlite3",
                             "OPTIONS": {}, "TIME_ZONE": None, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
                             "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "USER": "", "PASSWORD": "",
                             "HOST": "", "PORT": "", "TEST": {}}, alias="sqlite_probe")
    with django_db_blocker.unblock():
        probe.connect()
        with probe.cursor() as cursor:
            cursor.execute("SELECT pc_fold('kávé') LIKE pc_fold('%KÁV%')")
            assert cursor.fetchone() == (1,)
        probe.close()
