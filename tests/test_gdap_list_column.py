"""The Customers list's "Admin permissions" column with GDAP beside DAP: counts per status (ended ones
and other partners' relationships with the same customer not counted), the accessible text, the link
only when the customer's "Admin relationships" page is routed and the reader may see it, constant
queries on a 50-row page, and the CSV export (no admin-permissions column: none for GDAP either)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.services import dap_grant, reseller_relationship_ensure
from gdap import routes
from gdap.models import RelationshipStatus as S
from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member
from tests.gdap_list_support import relationship

pytestmark = pytest.mark.django_db


def _customer(partner, name):  # noqa: ANN001, ANN202
    tenant = TenantFactory(name=name)
    reseller_relationship_ensure(partner=partner, customer=tenant, actor=None)
    return tenant


def _cell(html: str, name: str) -> str:
    """The "Admin permissions" cell of the row of `name` (the second cell from the end: the row may
    start with the bulk selection's checkbox)."""
    row = re.search(r"<tr><td>.*?</tr>", html[html.index(f"<td>{name}</td>") - 900:], re.S).group(0)
    return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-2]


def test_counts_per_status_with_accessible_text(partner, partner_admin):
    adatum = _customer(partner, "Adatum AG")
    for status in (S.ACTIVE, S.ACTIVE, S.EXPIRING, S.APPROVAL_PENDING, S.TERMINATED, S.EXPIRED, S.CREATED,
                   S.TERMINATION_REQUESTED):
        relationship(partner, adatum, status, ends_in=timedelta(days=10 if status == S.EXPIRING else 200))
    relationship(partner, adatum, S.ACTIVE, ends_in=-timedelta(hours=1))  # past its end, before the sweep
    html = client_for(partner_admin).get("/customers/").content.decode()
    cell = _cell(html, "Adatum AG")
    assert "GDAP: 2 active, 1 expiring, 1 pending" in cell
    assert ">GDAP 2<" in cell and "None" not in cell


def test_only_nonzero_parts_and_dap_beside_gdap(partner, partner_admin):
    both = _customer(partner, "Both AG")
    dap_grant(partner=partner, customer=both, services=["productivity"], reassign=False, actor=None)
    relationship(partner, both, S.EXPIRING, ends_in=timedelta(days=3))
    pending = _customer(partner, "Pending AG")
    relationship(partner, pending, S.APPROVAL_PENDING)
    ended = _customer(partner, "Ended AG")
    relationship(partner, ended, S.TERMINATED)
    html = client_for(partner_admin).get("/customers/").content.decode()
    cell = _cell(html, "Both AG")
    assert ">DAP<" in cell and "GDAP: 1 expiring<" in cell and "active" not in cell
    assert "GDAP: 1 pending<" in _cell(html, "Pending AG")
    assert "GDAP" not in _cell(html, "Ended AG") and "None" in _cell(html, "Ended AG")


def test_another_partners_relationships_with_the_same_customer_dont_count(partner, partner_admin):
    shared = _customer(partner, "Shared AG")
    other = PartnerFactory()
    reseller_relationship_ensure(partner=other, customer=shared, actor=None)  # multichannel
    relationship(other, shared, S.ACTIVE)
    relationship(other, shared, S.APPROVAL_PENDING)
    relationship(partner, shared, S.EXPIRING, ends_in=timedelta(days=5))
    mine = client_for(partner_admin).get("/customers/").content.decode()
    assert "GDAP: 1 expiring<" in _cell(mine, "Shared AG")
    theirs = client_for(member(other, Role.GLOBAL_ADMIN)).get("/customers/").content.decode()
    assert "GDAP: 1 active, 1 pending<" in _cell(theirs, "Shared AG")


def test_the_link_only_when_the_reader_may_see_the_page(partner, partner_admin):
    adatum = _customer(partner, "Adatum AG")
    relationship(partner, adatum, S.ACTIVE)
    html = client_for(partner_admin).get("/customers/").content.decode()
    assert f'href="/gdap/customers/{adatum.id}/"' in _cell(html, "Adatum AG")
    sales = client_for(member(partner, Role.SALES_AGENT)).get("/customers/").content.decode()
    cell = _cell(sales, "Adatum AG")
    assert "GDAP: 1 active" in cell and "href" not in cell  # counts like DAP; no GDAP pages for this role


def test_the_customer_page_link_follows_the_agreed_route_name(partner):
    """gdap:customer at gdap/customers/<uuid:customer_id>/."""
    customer = TenantFactory()
    assert routes.customer_page_url(customer.id) == f"/gdap/customers/{customer.id}/"


def test_queries_stay_constant_on_a_50_row_page(partner, partner_admin):
    client = client_for(partner_admin)
    first = [_customer(partner, f"A{i:02d}") for i in range(3)]
    relationship(partner, first[0], S.ACTIVE)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/customers/").status_code == 200
    customers = first + [_customer(partner, f"B{i:02d}") for i in range(57)]
    statuses = [S.ACTIVE, S.EXPIRING, S.APPROVAL_PENDING, S.TERMINATED]
    for i, tenant in enumerate(customers):
        for status in statuses[: i % 4 + 1]:
            relationship(partner, tenant, status, ends_in=timedelta(days=9 if status == S.EXPIRING else 99))
    with CaptureQueriesContext(connection) as large:
        response = client.get("/customers/")
    assert len(response.context["page"].rows) == 50
    assert response.content.decode().count('class="visually-hidden">GDAP: ') == 50
    assert len(large.captured_queries) == len(small.captured_queries)
    summaries = [q["sql"] for q in large.captured_queries if "gdap_adminrelationship" in q["sql"]]
    assert len(summaries) == 1


def test_the_htmx_table_carries_the_badges_too(partner, partner_admin):
    adatum = _customer(partner, "Adatum AG")
    relationship(partner, adatum, S.APPROVAL_PENDING)
    html = client_for(partner_admin).get("/customers/", {"q": "adat"}, HTTP_HX_REQUEST="true").content.decode()
    assert "GDAP: 1 pending" in html


def test_the_export_has_no_admin_permissions_column(partner, partner_admin):
    adatum = _customer(partner, "Adatum AG")
    relationship(partner, adatum, S.ACTIVE)
    response = client_for(partner_admin).get("/customers/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert not any("DAP" in cell or "Admin" in cell for cell in rows[0])
    assert len(rows[1]) == len(rows[0])
