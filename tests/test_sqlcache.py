"""partnercenter/sqlcache.py: a shape compiled once, filled with each call's values, the same rows as the
ORM; values Django transforms or writes into the SQL are not cached; the Customers page's shapes all are."""

from __future__ import annotations

import itertools
import uuid

import pytest
from django.db import connection
from django.db.models import CharField, Value
from django.db.models.functions import Upper
from django.test import override_settings

from customers import selectors
from customers.models import DelegatedAdminPermission, ResellerRelationship, Service
from customers.services import reseller_association_ensure, reseller_relationship_ensure
from partnercenter import sqlcache
from partnercenter.models import PartnerType, Tenant
from resellers.models import IndirectPartnership
from tests.factories import PartnerFactory, TenantFactory

pytestmark = pytest.mark.django_db


def _names(v):
    return Tenant.objects.filter(name__icontains=v["term"], kind="customer").order_by("name").values_list("name")


def test_a_shape_is_compiled_once_and_filled_per_call(monkeypatch):
    for name in ("Alpha 100% AG", "Alpha_1 GmbH", "Beta AG", "Alphabet Kft."):
        TenantFactory(name=name)
    compiled = []
    real = sqlcache._compile
    monkeypatch.setattr(sqlcache, "_compile", lambda *a: compiled.append(1) or real(*a))
    key = ("test names", uuid.uuid4())
    # LIKE metacharacters in the value are matched literally, as the ORM escapes them.
    assert sqlcache.shaped_rows(key, _names, {"term": "100%"}) == [("Alpha 100% AG",)]
    assert sqlcache.shaped_rows(key, _names, {"term": "a_1"}) == [("Alpha_1 GmbH",)]
    assert sqlcache.shaped_rows(key, _names, {"term": "alpha"}) == [("Alpha 100% AG",), ("Alpha_1 GmbH",),
                                                                    ("Alphabet Kft.",)]
    assert compiled == [1]


def test_a_value_of_none_is_its_own_shape():
    TenantFactory(name="Gamma AG")

    def build(v):
        qs = Tenant.objects.filter(kind="customer")
        return (qs.filter(name=v["name"]) if v["name"] is not None else qs).values_list("name")

    key = ("test none", uuid.uuid4())
    assert sqlcache.shaped_rows(key, build, {"name": "Gamma AG"}) == [("Gamma AG",)]
    assert ("Gamma AG",) in sqlcache.shaped_rows(key, build, {"name": None})
    assert sqlcache.shaped_rows(key, build, {"name": "Delta AG"}) == []


@pytest.mark.parametrize("build", [
    # Transformed by the query's builder: upper-cased before it reaches the parameters.
    lambda v: Tenant.objects.filter(name=v["name"].upper()).values_list("name"),
    # One parameter holding two values.
    lambda v: Tenant.objects.annotate(x=Value(f"{v['name']}/{v['name']}", output_field=CharField()))
    .filter(name=v["name"]).values_list("name", "x"),
    # Not used at all: the shape would not depend on it.
    lambda v: Tenant.objects.filter(name="ZETA AG").values_list("name"),
])
def test_a_value_that_does_not_reach_the_parameters_as_it_is_is_not_cached(build):
    TenantFactory(name="ZETA AG")
    key = ("test uncacheable", uuid.uuid4())
    assert sqlcache.shaped_sql(key, build, {"name": "zeta ag"}) is None
    assert sqlcache.shaped_rows(key, build, {"name": "zeta ag"}) == list(build({"name": "zeta ag"}))


def test_verify_mode_catches_a_shape_key_that_misses_a_choice():
    """A key that leaves out a choice changing the query: the tests (SQLCACHE_VERIFY) fail loudly."""
    TenantFactory(name="Eta AG")
    upper = {"on": True}

    def build(v):
        qs = Tenant.objects.filter(name=v["name"])
        return qs.annotate(u=Upper("name")).values_list("name", "u") if upper["on"] else qs.values_list("name")

    key = ("test verify", uuid.uuid4())
    sqlcache.shaped_rows(key, build, {"name": "Eta AG"})
    upper["on"] = False
    with pytest.raises(AssertionError, match="compiled differently"):
        sqlcache.shaped_rows(key, build, {"name": "Eta AG"})
    with override_settings(SQLCACHE_VERIFY=False):  # production trusts the key
        assert sqlcache.shaped_rows(key, build, {"name": "Eta AG"}) == [("Eta AG", "ETA AG")]  # stale, as warned


def _orm_page_rows(partner, **kwargs):
    """The page's rows as the ORM gives them (the reference the cached SQL must match)."""
    qs = selectors._listed(partner=partner, search=kwargs.get("search", ""), prefix=kwargs.get("prefix", False),
                           reseller=kwargs.get("reseller"), provider=kwargs.get("provider"), reseller_ids=True)
    return {row.customer_id: (row.customer_name, row.has_dap, row.indirect_reseller, row.via_provider)
            for row in selectors._rows(qs, reseller_ids=True)}


@pytest.fixture
def channel():
    provider = PartnerFactory(name="Provider GmbH", partner_type=PartnerType.INDIRECT_PROVIDER)
    reseller = PartnerFactory(name="Reseller Kft.", partner_type=PartnerType.INDIRECT_RESELLER, mpn_id="4711")
    IndirectPartnership.objects.create(provider=provider, reseller=reseller)
    tenants = [TenantFactory(name=f"Kunde {i:02d} 50%_off") for i in range(7)]
    for index, tenant in enumerate(tenants):
        reseller_relationship_ensure(partner=provider, customer=tenant, actor=None)
        if index % 2:
            reseller_relationship_ensure(partner=reseller, customer=tenant, actor=None)
            reseller_association_ensure(customer=tenant, reseller=reseller, provider=provider, actor=None)
        if index % 3 == 0:
            DelegatedAdminPermission.objects.create(partner=provider, customer=tenant, service=Service.PRODUCTIVITY)
    return provider, reseller, tenants


@pytest.mark.parametrize("sort", selectors.SORTS)
def test_every_shape_of_the_customers_page_is_cached_and_matches_the_orm(channel, sort):
    provider, reseller, tenants = channel
    cases = [
        (provider, {}), (provider, {"search": "kunde 0"}), (provider, {"search": "50%_", "prefix": True}),
        (provider, {"search": "%_off"}), (provider, {"reseller": reseller}), (reseller, {}),
        (reseller, {"provider": provider}), (reseller, {"search": "KUNDE"}),
    ]
    for (partner, kwargs), gdap, reseller_ids in itertools.product(cases, (False, True), (False, True)):
        expected = _orm_page_rows(partner, **kwargs)
        seen, cursor, direction = [], "", "next"
        while True:  # forward through pages of 3, then one page back: every cursor shape
            page = selectors.customers_page(partner=partner, sort=sort, cursor=cursor, page_size=3, gdap=gdap,
                                            reseller_ids=reseller_ids, direction=direction, **kwargs)
            seen += [row.customer_id for row in page.rows]
            for row in page.rows:
                assert expected[row.customer_id] == (row.customer_name, row.has_dap, row.indirect_reseller,
                                                     row.via_provider)
                assert (row.gdap is not None) == gdap
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        assert sorted(seen) == sorted(expected), (partner.name, kwargs)
        if page.prev_cursor:
            back = selectors.customers_page(partner=partner, sort=sort, cursor=page.prev_cursor, direction="prev",
                                            page_size=3, gdap=gdap, reseller_ids=reseller_ids, **kwargs)
            assert back.rows and {r.customer_id for r in back.rows} <= set(seen)
    page_shapes = {k: v for k, v in sqlcache._cache.items() if k[0][0] == "customers_page" and k[0][3] == sort}
    assert len(page_shapes) >= 2 * 2 * 2 * 4  # gdap, reseller ids, direction, and the cases' kinds of filter
    assert None not in page_shapes.values()  # every one of them cached, none run through the ORM each time


def test_the_gdap_columns_count_as_the_summary_does(partner):
    customer = TenantFactory(name="Theta AG")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    page = selectors.customers_page(partner=partner, gdap=True)
    assert page.rows[0].gdap == {"active": 0, "expiring": 0, "pending": 0}
    assert ResellerRelationship.objects.filter(partner=partner).count() == 1


def test_the_api_token_look_up_is_compiled_once_and_loads_what_dot_loads(partner):
    from oauth2_provider.oauth2_validators import OAuth2Validator

    from api.oauth import AppValidator
    from tests.api_support import api_app, token_for

    app, secret = api_app(partner)
    raw = token_for(app, secret)
    ours, theirs = AppValidator()._load_access_token(raw), OAuth2Validator()._load_access_token(raw)
    assert ours == theirs and ours.application == theirs.application
    assert ours.application.api_app == app and ours.application.api_app.partner == partner
    assert ours.application.api_app.created_by == app.created_by and ours.user is None
    assert AppValidator()._load_access_token(raw + "x") is None
    cached = [v for k, v in sqlcache._cache.items() if k[0] in {("api access token",), ("api roles held",)}]
    assert cached and None not in cached


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_shape_runs_as_a_prepared_statement_and_django_queries_do_not():
    TenantFactory(name="Epsilon AG")
    key = ("test prepared", uuid.uuid4())
    for _ in range(4):
        assert sqlcache.shaped_rows(key, _names, {"term": "epsilon"}) == [("Epsilon AG",)]
        list(Tenant.objects.filter(name="Epsilon AG").values_list("id"))  # Django's own: bound on the client
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        statements = [row[0] for row in cursor.fetchall()]
    assert [s for s in statements if "UPPER" in s and "LIKE" in s.upper()], statements
    assert not [s for s in statements if "WHERE \"partnercenter_tenant\".\"name\" = " in s], statements


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_without_a_prepare_threshold_a_shape_is_not_prepared(monkeypatch):
    TenantFactory(name="Zeta AG")
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE NOT from_sql")
            return cursor.fetchone()[0]

    before = prepared()
    key = ("test unprepared", uuid.uuid4())
    for _ in range(4):
        assert sqlcache.shaped_rows(key, _names, {"term": "zeta"}) == [("Zeta AG",)]
    assert prepared() == before


def _other_connection_executes(sql: str) -> None:
    """Run `sql` on a connection of its own, as a migration run by another process would."""
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute(sql)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_column_changed_by_another_connection_does_not_break_a_prepared_shape(caplog):
    """A migration that changes the type of a column a prepared shape reads makes PostgreSQL refuse that
    statement ("cached plan must not change result type") on every run, on every connection that prepared
    it, until the connection closes: the shape is prepared afresh and the call answers."""
    PartnerFactory(name="Eta AG", mpn_id="7700001")

    def build(v):
        return Tenant.objects.filter(name=v["name"]).values_list("name", "mpn_id")

    key = ("test stale plan", uuid.uuid4())
    for _ in range(4):
        assert sqlcache.shaped_rows(key, build, {"name": "Eta AG"}) == [("Eta AG", "7700001")]
    column = Tenant._meta.get_field("mpn_id")
    table, declared = Tenant._meta.db_table, column.db_type(connection)
    _other_connection_executes(f'ALTER TABLE "{table}" ALTER COLUMN "{column.column}" TYPE text')
    try:
        with caplog.at_level("INFO", logger="partnercenter.sqlcache"):
            for _ in range(3):
                assert sqlcache.shaped_rows(key, build, {"name": "Eta AG"}) == [("Eta AG", "7700001")]
        assert len([r for r in caplog.records if "preparing again" in r.getMessage()]) == 1  # once, then prepared
        # Inside a transaction the refused statement has aborted it: the error stands, and the connection
        # is closed when the request ends, so the next request prepares afresh.
        _other_connection_executes(f'ALTER TABLE "{table}" ALTER COLUMN "{column.column}" TYPE {declared}')
        from django.db import NotSupportedError, transaction

        with pytest.raises(NotSupportedError), transaction.atomic():
            sqlcache.shaped_rows(key, build, {"name": "Eta AG"})
        assert connection.close_at == 0
        connection.close_if_unusable_or_obsolete()
        assert connection.connection is None
        for _ in range(3):
            assert sqlcache.shaped_rows(key, build, {"name": "Eta AG"}) == [("Eta AG", "7700001")]
    finally:
        _other_connection_executes(f'ALTER TABLE "{table}" ALTER COLUMN "{column.column}" TYPE {declared}')


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite ignores select_for_update")
@override_settings(SQLCACHE_VERIFY=False)  # no fresh compile per call: the shape's own check must refuse
def test_a_shape_that_locks_rows_refuses_to_run_outside_a_transaction_as_django_does():
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    tenant = TenantFactory(name="Locked AG")
    key = ("test lock", uuid.uuid4())

    def build(v):
        return Tenant.objects.select_for_update().filter(id=v["id"]).order_by("pk")[:1]

    with transaction.atomic():
        assert [t.pk for t in sqlcache.shaped_objects(key, build, {"id": tenant.pk})] == [tenant.pk]
    with pytest.raises(TransactionManagementError):
        sqlcache.shaped_objects(key, build, {"id": tenant.pk})  # compiled already: no Django check on the way
