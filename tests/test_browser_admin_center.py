"""Playwright in Debian's Chromium against a live server: Admin center → Partner relationships —
"Remove delegated admin" and "Reassign admin permissions" and their main error, by the visible labels,
on the common laptop and a phone, with axe-core at every state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from customers.models import DelegatedAdminPermission, RelationshipStatus, ResellerRelationship, Service
from customers.services import dap_grant, reseller_relationship_ensure
from partnercenter.models import OutboxEmail
from partnercenter.roles import Role
from tests.browser_support import assert_accessible, no_sideways_scroll, sign_in
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = ["laptop", "phone"]


@pytest.fixture
def multichannel(db):
    customer = TenantFactory(name="Adatum Maschinenbau AG", country="DE")
    admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="admin@adatum.example", language="en")
    contoso = PartnerFactory(name="Contoso Cloud GmbH", country="DE")
    member(contoso, Role.GLOBAL_ADMIN, email="admin@contoso.example", language="de")
    fabrikam = PartnerFactory(name="Fabrikam Kft.", country="HU")
    for partner in (contoso, fabrikam):
        reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    dap_grant(partner=contoso, customer=customer, services=list(Service.values), reassign=False, actor=None)
    return customer, admin, contoso, fabrikam


def _row(page, name: str):  # noqa: ANN001, ANN201
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))


def _active(customer) -> dict[str, str]:  # noqa: ANN001
    return {row.service: row.partner.name for row in DelegatedAdminPermission.objects.filter(
        customer=customer, status=RelationshipStatus.ACTIVE).select_related("partner")}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_remove_delegated_admin(new_page, multichannel, viewport):
    customer, admin, contoso, _fabrikam = multichannel
    page = new_page(viewport=viewport)
    sign_in(page, admin.email)
    page.goto("/admin-center/")
    page.get_by_role("heading", name="Partner relationships").wait_for()
    assert no_sideways_scroll(page)
    assert_accessible(page, "partner relationships")
    _row(page, "Contoso Cloud GmbH").get_by_role("link", name="Remove delegated admin").click()
    page.get_by_role("heading", name=re.compile(r"^Remove delegated admin of Contoso Cloud GmbH")).wait_for()
    for label in Service.labels:  # default: every service
        expect(page.get_by_label(str(label))).to_be_checked()
    assert_accessible(page, "remove confirmation")
    # The main error: nothing chosen, said beside the services.
    for label in Service.labels:
        page.get_by_label(str(label)).uncheck()
    page.get_by_role("button", name="Remove", exact=True).click()
    expect(page.get_by_role("group", name="Services")).to_contain_text("Choose at least one service.")
    assert_accessible(page, "remove without a service")
    page.get_by_label(str(Service.PRODUCTIVITY.label)).check()
    page.get_by_role("button", name="Remove", exact=True).click()
    page.wait_for_url(re.compile(r"/admin-center/$"))
    expect(page.get_by_role("alert")).to_contain_text("Contoso Cloud GmbH no longer holds admin permissions for "
                                                      "Productivity suite (email, office apps). It stays your reseller.")
    assert_accessible(page, "after removal")
    assert Service.PRODUCTIVITY not in _active(customer) and len(_active(customer)) == 2
    assert ResellerRelationship.objects.filter(partner=contoso, customer=customer, status="active").exists()
    mail = OutboxEmail.objects.get(kind="dap_removed", to_email="admin@contoso.example")
    assert mail.language == "de"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_reassign_admin_permissions_and_its_main_error(new_page, multichannel, viewport):
    customer, admin, contoso, fabrikam = multichannel
    page = new_page(viewport=viewport)
    sign_in(page, admin.email)
    page.goto("/admin-center/")
    _row(page, "Contoso Cloud GmbH").get_by_role("link", name="Reassign admin permissions").click()
    page.get_by_role("heading", name="Reassign admin permissions").wait_for()
    assert_accessible(page, "reassign form")
    # The main error: no new admin partner chosen, said beside the field; the ticks are kept.
    page.get_by_label(str(Service.INFRASTRUCTURE.label)).uncheck()
    page.get_by_role("button", name="Reassign", exact=True).click()
    expect(page.get_by_label("New admin partner")).to_have_attribute("aria-describedby", "new-partner-error")
    expect(page.locator("#new-partner-error")).to_have_text("Choose the partner that gets the admin permissions.")
    expect(page.get_by_label(str(Service.INFRASTRUCTURE.label))).not_to_be_checked()
    assert_accessible(page, "reassign without a partner")
    page.get_by_label("New admin partner").select_option(label=f"Fabrikam Kft. ({fabrikam.mpn_id})")
    page.get_by_role("button", name="Reassign", exact=True).click()
    page.wait_for_url(re.compile(r"/admin-center/$"))
    expect(page.get_by_role("alert")).to_contain_text("Fabrikam Kft. now holds admin permissions for")
    expect(_row(page, "Fabrikam Kft.")).to_contain_text(str(Service.PRODUCTIVITY.label))
    assert no_sideways_scroll(page)
    assert_accessible(page, "after reassignment")
    assert _active(customer) == {Service.PRODUCTIVITY: "Fabrikam Kft.", Service.BUSINESS_APPS: "Fabrikam Kft.",
                                 Service.INFRASTRUCTURE: "Contoso Cloud GmbH"}


def test_customer_user_sees_the_page_read_only(new_page, multichannel):
    customer, _admin, _contoso, _fabrikam = multichannel
    user = member(customer, Role.CUSTOMER_USER, email="user@adatum.example")
    page = new_page(viewport="phone")
    sign_in(page, user.email)
    page.goto("/admin-center/")
    expect(_row(page, "Contoso Cloud GmbH")).to_contain_text(str(Service.PRODUCTIVITY.label))
    expect(page.get_by_role("link", name="Remove delegated admin")).to_have_count(0)
    expect(page.get_by_role("link", name="Reassign admin permissions")).to_have_count(0)
    assert_accessible(page, "read-only")


def test_in_german_at_1366_the_partner_table_fits_without_scrolling(new_page, multichannel):
    """German compound words ("Administratorberechtigungen") in the action buttons break inside the
    button instead of pushing the table out of its box."""
    _customer, admin, _contoso, _fabrikam = multichannel
    admin.language = "de"
    admin.save(update_fields=["language"])
    for partner, domain in ((_contoso, "contoso"), (_fabrikam, "fabrikam")):  # contact details as in the demo
        profile = partner.profile
        profile.support_email, profile.phone = f"support@{domain}.example", "+49 30 1234567"
        profile.website = f"https://{domain}.example"
        profile.legal_name = {"contoso": "Contoso Cloud GmbH", "fabrikam": "Fabrikam Disztribúció Kft."}[domain]
        profile.save()
    page = new_page(viewport="laptop")
    sign_in(page, admin.email)  # the sign-in page in English; the admin's saved language then applies
    page.goto("/admin-center/")
    page.get_by_role("heading", name="Partnerbeziehungen").wait_for()
    widths = page.evaluate("[...document.querySelectorAll('.table-responsive')].map(e => e.scrollWidth - e.clientWidth)")
    assert widths and max(widths) <= 0, widths
