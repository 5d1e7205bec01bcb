"""Playwright in Debian's Chromium: the Customers list's GDAP badges beside DAP and "Expiring admin
relationships" (sorting, empty state), found by their labels at the common laptop (1366×768) and a
phone (390×844), with axe-core at every state."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from customers.services import dap_grant, reseller_relationship_ensure
from gdap.models import RelationshipStatus as S
from partnercenter.roles import Role
from tests.browser_support import assert_accessible, no_sideways_scroll, open_navigation, sign_in
from tests.factories import PartnerFactory, TenantFactory, member
from tests.gdap_list_support import relationship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = ["laptop", "phone"]


@pytest.fixture
def workspace(db):
    partner = PartnerFactory(name="Contoso Cloud GmbH", country="DE")
    admin = member(partner, Role.ADMIN_AGENT, email="agent@contoso.example", language="en")
    customers = {}
    for name in ("Adatum AG", "Fabrikam Kft.", "Northwind Traders"):
        customers[name] = TenantFactory(name=name)
        reseller_relationship_ensure(partner=partner, customer=customers[name], actor=None)
    adatum, fabrikam = customers["Adatum AG"], customers["Fabrikam Kft."]
    dap_grant(partner=partner, customer=adatum, services=["productivity"], reassign=False, actor=None)
    relationship(partner, adatum, S.ACTIVE, name="Adatum helpdesk")
    relationship(partner, adatum, S.ACTIVE, name="Adatum readers")
    relationship(partner, adatum, S.EXPIRING, ends_in=timedelta(days=12, hours=1), name="Adatum migration")
    relationship(partner, fabrikam, S.APPROVAL_PENDING, name="Fabrikam request")
    relationship(partner, fabrikam, S.EXPIRING, ends_in=timedelta(days=3, hours=1), name="Fabrikam support",
                 auto_extend=True)
    relationship(partner, customers["Northwind Traders"], S.TERMINATED, name="Northwind old")
    return partner, admin


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_badges_in_the_customers_list_then_the_expiring_page(new_page, workspace, viewport):
    _partner, admin = workspace
    page = new_page(viewport=viewport)
    sign_in(page, admin.email)
    page.goto("/customers/")
    expect(page.locator(".gdap-summary", has_text="GDAP: 2 active, 1 expiring")).to_be_visible()
    expect(page.locator(".gdap-summary", has_text="GDAP: 1 expiring, 1 pending")).to_be_visible()
    expect(page.locator(".gdap-summary")).to_have_count(2)  # the terminated one shows nothing
    assert_accessible(page, "customers with GDAP")
    assert no_sideways_scroll(page)

    open_navigation(page)
    page.get_by_role("link", name="Expiring admin relationships").click()
    page.get_by_role("heading", name="Expiring admin relationships").wait_for()
    table = page.get_by_role("table", name="Expiring admin relationships")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Fabrikam support")
    expect(rows.nth(0)).to_contain_text("in 3 days")
    expect(rows.nth(1)).to_contain_text("in 12 days")
    assert_accessible(page, "expiring, by end date")
    assert no_sideways_scroll(page)

    page.get_by_role("link", name=re.compile("^Display name")).click()
    page.wait_for_url(re.compile(r"sort=name"))
    expect(rows.nth(0)).to_contain_text("Adatum migration")
    expect(page.get_by_role("columnheader", name=re.compile("^Display name"))).to_have_attribute("aria-sort",
                                                                                                  "ascending")
    page.get_by_role("link", name=re.compile("^Display name")).click()
    page.wait_for_url(re.compile(r"sort=-name"))
    expect(rows.nth(0)).to_contain_text("Fabrikam support")
    assert_accessible(page, "expiring, by display name descending")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_empty_state(new_page, viewport):
    partner = PartnerFactory(name="Quiet Partner GmbH")
    helpdesk = member(partner, Role.HELPDESK_AGENT, email="helpdesk@quiet.example", language="en")
    customer = TenantFactory(name="Calm AG")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    relationship(partner, customer, S.ACTIVE, ends_in=timedelta(days=120))
    page = new_page(viewport=viewport)
    sign_in(page, helpdesk.email)
    page.goto("/gdap/expiring/")
    expect(page.get_by_text("No admin relationship ends within the next 30 days.")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    assert_accessible(page, "no expiring relationships")
    assert no_sideways_scroll(page)
