"""F1 Customers workspace: search, sort, keyset paging, export, constant query count."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from customers import selectors
from customers.services import dap_grant, reseller_relationship_ensure
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db


def _customers(partner, names):
    out = []
    for name in names:
        tenant = TenantFactory(name=name)
        reseller_relationship_ensure(partner=partner, customer=tenant, actor=None)
        out.append(tenant)
    return out


def test_search_is_case_insensitive_prefix_and_substring(partner, partner_admin):
    tenants = _customers(partner, ["Adatum AG", "Müller Bäckerei GmbH", "Fabrikam Kft.", "Northwind Traders"])
    client = client_for(partner_admin)
    domain_part = tenants[2].primary_domain.split(".")[0][-4:].upper()
    page = client.get("/customers/", {"q": domain_part}).context["page"]
    assert "Fabrikam Kft." in {row.customer.name for row in page.rows}
    for term, expected in [("ada", {"Adatum AG"}), ("BÄCK", {"Müller Bäckerei GmbH"}), ("wind", {"Northwind Traders"})]:
        page = client.get("/customers/", {"q": term}).context["page"]
        assert {row.customer.name for row in page.rows} == expected, term


def test_search_finds_unicode_domain_stored_as_punycode(partner, partner_admin):
    from partnercenter.domains import normalize_domain

    tenant = TenantFactory(name="Bakery", primary_domain=normalize_domain("müller-bäckerei.example"))
    reseller_relationship_ensure(partner=partner, customer=tenant, actor=None)
    response = client_for(partner_admin).get("/customers/", {"q": "müller-bäckerei"})
    assert [row.customer.name for row in response.context["page"].rows] == ["Bakery"]
    assert "müller-bäckerei.example" in response.content.decode()


def test_other_partners_customers_never_show(partner, partner_admin):
    _customers(partner, ["Mine AG"])
    _customers(PartnerFactory(), ["Theirs AG"])
    html = client_for(partner_admin).get("/customers/").content.decode()
    assert "Mine AG" in html and "Theirs AG" not in html


@pytest.mark.parametrize("sort", ["name", "-name", "date", "-date"])
def test_keyset_paging_walks_every_row_once_both_ways(partner, sort):
    names = [f"Kunde {i:03d}" for i in range(23)] + ["Kunde 005"]  # a duplicate name tests the id tie-break
    _customers(partner, names)
    seen, cursor, pages = [], "", []
    while True:
        page = selectors.customers_page(partner=partner, sort=sort, cursor=cursor, page_size=5)
        pages.append(page)
        seen += [row.id for row in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == 24
    # Walk back from the last page with the prev cursors: the same pages in reverse.
    back, page = [], pages[-1]
    while page.prev_cursor:
        page = selectors.customers_page(partner=partner, sort=sort, cursor=page.prev_cursor, direction="prev",
                                        page_size=5)
        back.append([row.id for row in page.rows])
    assert back == [[row.id for row in p.rows] for p in reversed(pages[:-1])]


def test_tampered_cursor_shows_the_first_page_not_an_error(partner, partner_admin):
    client = client_for(partner_admin)

    def first_page(response) -> bool:
        return response.status_code == 200 and "first page is shown" in response.content.decode()

    from customers.selectors import _encode

    bad = ["%%%", "e30", "W10", "eyJ2IjpbMV0sImlkIjoieCJ9", _encode({"v": "a\u0000b", "id": 1})]
    for cursor in bad:
        for sort in ("name", "date"):
            assert first_page(client.get("/customers/", {"cursor": cursor, "sort": sort}))
    impossible_date = _encode({"v": "2024-02-30T00:00:00", "id": 1})
    assert first_page(client.get("/customers/", {"cursor": impossible_date, "sort": "date"}))
    huge = '{"v":"a","id":1e999}'
    import base64

    cursor = base64.urlsafe_b64encode(huge.encode()).decode().rstrip("=")
    assert first_page(client.get("/customers/", {"cursor": cursor}))
    assert first_page(client.get("/customers/", {"cursor": _encode({"v": "a", "id": 2**70})}))


def test_nul_in_search_is_harmless(partner, partner_admin):
    _customers(partner, ["Adatum AG"])
    client = client_for(partner_admin)
    assert client.get("/customers/", {"q": "ada\x00tum"}).status_code == 200
    assert client.get("/customers/export.csv", {"q": "a\x00"}).status_code == 200


def test_query_count_is_constant(partner, partner_admin, django_assert_max_num_queries):
    client = client_for(partner_admin)
    _customers(partner, [f"A{i}" for i in range(3)])
    with CaptureQueriesContext(connection) as small:
        client.get("/customers/")
    more = _customers(partner, [f"B{i}" for i in range(40)])
    for tenant in more[:10]:
        dap_grant(partner=partner, customer=tenant, services=["productivity"], reassign=False, actor=None)
    with CaptureQueriesContext(connection) as large:
        client.get("/customers/")
    assert len(large.captured_queries) == len(small.captured_queries)


def test_export_whole_list_and_current_filter(partner, partner_admin):
    _customers(partner, ["Adatum AG", "Fabrikam Kft.", "Ünal Bau GmbH"])
    client = client_for(partner_admin)

    def rows(**params):
        response = client.get("/customers/export.csv", params)
        assert response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
        return list(csv.reader(io.StringIO(text)))

    everything = rows()
    assert everything[0] == ["Tenant ID", "Company name", "Primary domain", "Relationship", "Indirect reseller"]
    assert [r[1] for r in everything[1:]] == ["Adatum AG", "Fabrikam Kft.", "Ünal Bau GmbH"]
    assert [r[1] for r in rows(q="fab")[1:]] == ["Fabrikam Kft."]


def test_export_defuses_spreadsheet_formulas(partner, partner_admin):
    _customers(partner, ['=HYPERLINK("http://evil.example","x")', "+49 Bau GmbH", "Normal AG"])
    response = client_for(partner_admin).get("/customers/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    names = sorted(r[1] for r in rows[1:])
    assert names == ["'+49 Bau GmbH", "'=HYPERLINK(\"http://evil.example\",\"x\")", "Normal AG"]


def test_empty_state_offers_the_request(partner, partner_admin):
    html = client_for(partner_admin).get("/customers/").content.decode()
    assert "You have no customers yet." in html and "Request a reseller relationship" in html


def test_account_page_of_own_customer(partner, partner_admin):
    (tenant,) = _customers(partner, ["Adatum AG"])
    response = client_for(partner_admin).get(f"/customers/{tenant.id}/account/")
    assert response.status_code == 200 and str(tenant.id) in response.content.decode()


def test_helpdesk_sees_list_without_export_button(partner):
    _customers(partner, ["Adatum AG"])
    html = client_for(member(partner, Role.HELPDESK_AGENT)).get("/customers/").content.decode()
    assert "Adatum AG" in html and "Export customers" not in html and "Request a reseller relationship" not in html


def test_live_search_returns_the_table_and_an_export_link_for_the_filter(partner, partner_admin):
    _customers(partner, ["Adatum AG", "Fabrikam Kft."])
    response = client_for(partner_admin).get("/customers/", {"q": "fab"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Fabrikam Kft." in html and "Adatum AG" not in html
    assert 'hx-swap-oob="true"' in html and "/customers/export.csv?q=fab" in html


def test_renamed_customer_moves_in_the_name_order_and_shows_its_new_name(partner, partner_admin):
    first, second = _customers(partner, ["Alpha AG", "Beta AG"])
    second.name = "Aardvark AG"
    second.save()  # the trigger carries it into the relationship's copy: nothing else to call
    page = selectors.customers_page(partner=partner, sort="name")
    assert [row.customer.name for row in page.rows] == ["Aardvark AG", "Alpha AG"]
    html = client_for(partner_admin).get("/customers/", {"sort": "name"}).content.decode()
    assert "Aardvark AG" in html and "Beta AG" not in html


@pytest.mark.django_db(transaction=True)
def test_a_tenant_changed_by_a_queryset_update_or_sql_reaches_every_relationship_copy(partner):
    from customers.models import ResellerRelationship
    from partnercenter.models import Tenant

    (customer,) = _customers(partner, ["Beta AG"])
    other = PartnerFactory(name="Second Partner GmbH")
    ResellerRelationship.objects.create(partner=other, customer=customer)  # the copies filled on creation
    Tenant.objects.filter(id=customer.id).update(name="Gamma GmbH", primary_domain="gamma.example")
    copies = set(ResellerRelationship.objects.filter(customer=customer).values_list("customer_name", "customer_domain"))
    assert copies == {("Gamma GmbH", "gamma.example")}
    with connection.cursor() as cur:
        cur.execute("UPDATE partnercenter_tenant SET name = %s WHERE id = %s", ["Delta AG", customer.id])
    copies = set(ResellerRelationship.objects.filter(customer=customer).values_list("customer_name", "customer_domain"))
    assert copies == {("Delta AG", "gamma.example")}
    assert [row.customer.primary_domain for row in selectors.customers_page(partner=other).rows] == ["gamma.example"]


def test_operator_renaming_a_tenant_in_django_admin_changes_the_list_and_its_search(partner, rf):
    from django.contrib.admin.sites import site

    from partnercenter.models import Tenant

    (customer,) = _customers(partner, ["Beta AG"])
    customer.name, customer.primary_domain = "Gamma GmbH", "gamma-neu.example"
    site._registry[Tenant].save_model(rf.post("/"), customer, form=None, change=True)

    def names(term):
        return [row.customer_name for row in selectors.customers_page(partner=partner, search=term).rows]

    assert names("gamma") == names("gamma-neu") == ["Gamma GmbH"]
    assert names("beta") == []


@pytest.mark.parametrize("sort", ["name", "-name", "date", "-date"])
def test_admin_permissions_column_marks_exactly_the_customers_with_dap(partner, partner_admin, sort):
    tenants = _customers(partner, [f"Kunde {i:02d}" for i in range(7)])
    granted = {tenants[1].id, tenants[4].id}
    for tenant in tenants:
        if tenant.id in granted:
            dap_grant(partner=partner, customer=tenant, services=["productivity", "security"], reassign=False,
                      actor=None)
    # Another partner's permission for one of these customers does not count.
    other = PartnerFactory()
    reseller_relationship_ensure(partner=other, customer=tenants[2], actor=None)
    dap_grant(partner=other, customer=tenants[2], services=["productivity"], reassign=False, actor=None)
    first = selectors.customers_page(partner=partner, sort=sort, page_size=4)
    second = selectors.customers_page(partner=partner, sort=sort, cursor=first.next_cursor, page_size=4)
    back = selectors.customers_page(partner=partner, sort=sort, cursor=second.prev_cursor, direction="prev",
                                    page_size=4)
    searched = selectors.customers_page(partner=partner, sort=sort, search="kunde", page_size=4)
    for page in (first, second, back, searched):
        assert {row.customer_id for row in page.rows if row.has_dap} == granted & {r.customer_id for r in page.rows}
    html = client_for(partner_admin).get("/customers/", {"sort": sort}).content.decode()
    assert html.count(">DAP</span>") == 2


@pytest.mark.parametrize("language", ["en", "de", "hu"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Budapest", "America/Los_Angeles"])
def test_short_date_formatter_writes_what_date_format_writes(language, zone, monkeypatch):
    from datetime import UTC, datetime, timedelta

    from django.utils import timezone, translation
    from django.utils.formats import date_format

    from customers.templatetags import customer_rows

    moments = [datetime(2026, 1, 1, 0, 30, tzinfo=UTC) + timedelta(days=97 * i, hours=7 * i) for i in range(12)]
    with translation.override(language), timezone.override(zone):
        fast = customer_rows.short_date_formatter()
        for moment in moments:
            assert fast(moment) == date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")
        # A format with letters strftime cannot write (day and month without zeros) takes Django's way.
        monkeypatch.setattr(customer_rows, "get_format", lambda name: "j. n. Y & <y>")
        expected = "31. 12. 2025 &amp; &lt;25&gt;" if zone == "America/Los_Angeles" else "1. 1. 2026 &amp; &lt;26&gt;"
        assert customer_rows.short_date_formatter()(moments[0]) == expected


def test_each_row_says_its_own_relationship_advisor_or_reseller(partner, partner_admin):
    """The rows' labels are looked up once per kind: an advisor row first does not make the reseller rows
    below it "Advisor"."""
    from customers.models import RelationshipRole

    advised, resold = TenantFactory(name="Aaa Advised AG"), TenantFactory(name="Bbb Resold AG")
    reseller_relationship_ensure(partner=partner, customer=advised, actor=None, role=RelationshipRole.ADVISOR)
    reseller_relationship_ensure(partner=partner, customer=resold, actor=None)
    html = client_for(partner_admin).get("/customers/").content.decode()
    cells = re.findall(r"<td>(Aaa Advised AG|Bbb Resold AG)</td><td>[^<]*</td><td>([^<]*)</td>", html)
    assert cells == [("Aaa Advised AG", "Advisor"), ("Bbb Resold AG", "Reseller")]


def test_names_with_markup_characters_are_escaped_in_every_place_of_the_row(partner, partner_admin):
    """The rows are built in Python (customer_rows): the name in its cell and in the labels of the row's
    checkbox and toggle, each escaped once."""
    _customers(partner, ['Tom & <Jerry> "Ltd"'])
    html = client_for(partner_admin).get("/customers/").content.decode()
    name = "Tom &amp; &lt;Jerry&gt; &quot;Ltd&quot;"
    assert f"<td>{name}</td>" in html
    assert f'aria-label="Show details for {name}"' in html
    assert f'aria-label="Select {name}"' in html
    assert "<Jerry>" not in html and "&amp;amp;" not in html


def test_the_typed_search_is_kept_and_escaped_in_the_box_request_after_request(partner, partner_admin):
    """The search box is a cached fragment keyed on what was typed: each request shows its own term."""
    _customers(partner, ["Adatum AG"])
    client = client_for(partner_admin)
    for term in ("ada", '"><b>x', "ada"):
        html = client.get("/customers/", {"q": term, "sort": "-name"}).content.decode()
        box = re.search(r'<input type="search"[^>]*id="customer-search"[^>]*>', html).group(0)
        assert f'value="{escape(term)}"' in box
        assert '<input type="hidden" name="sort" value="-name">' in html
    assert "<b>x" not in html
