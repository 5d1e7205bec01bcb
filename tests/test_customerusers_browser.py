"""Playwright in Debian's Chromium against a live server: an Admin agent opens a customer's Users from the
customer's row, adds a user and reads the temporary password once, then resets a password; the main error —
a user name outside the customer's domains — is the message beside the field with the input kept. At 1366×768
and 390×844, axe finding nothing in each state; controls found by their labels."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from customers.models import Service
from customers.services import dap_grant, reseller_relationship_ensure
from partnercenter.models import User
from partnercenter.roles import Role
from tests.browser_support import assert_accessible, no_sideways_scroll, save_screenshot, sign_in
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _state(page, viewport: str, name: str) -> None:  # noqa: ANN001
    assert_accessible(page, name)
    assert no_sideways_scroll(page), name
    save_screenshot(page, name, viewport)


@pytest.fixture
def contoso():
    partner = PartnerFactory(name="Contoso Cloud GmbH")
    member(partner, Role.ADMIN_AGENT, email="agent@contoso.example")
    customer = TenantFactory(name="Adatum AG", primary_domain="adatum.example")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    dap_grant(partner=partner, customer=customer, services=list(Service.values), reassign=False, actor=None)
    member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="admin@adatum.example")
    return customer


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_add_a_user_see_the_password_once_reset_it_and_meet_the_main_error(new_page, contoso, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, "agent@contoso.example")
    page.goto("/customers/")
    page.get_by_role("button", name="Show details for Adatum AG").click()
    page.locator(".customer-details").get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("region", name="Users").get_by_role("link", name="admin@adatum.example")).to_be_visible()
    _state(page, viewport, "customer-users-list")

    page.get_by_role("link", name="Add user").first.click()
    page.get_by_label("First name").fill("Lena")
    page.get_by_label("Last name").fill("Vogel")
    page.get_by_label("User name").fill("lena@fabrikam.example")
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_text("Use one of the customer's domains: adatum.example.")).to_be_visible()
    expect(page.get_by_label("User name")).to_have_value("lena@fabrikam.example")  # the input is kept
    expect(page.get_by_label("First name")).to_have_value("Lena")
    _state(page, viewport, "customer-user-add-error")
    assert not User.objects.filter(first_name="Lena").exists()

    page.get_by_label("User name").fill("Lena.Vogel")
    page.get_by_label("Domain").select_option(label="@adatum.example")
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_role("heading", name="User added", level=1)).to_be_visible()
    password = page.locator("#temporary-password").inner_text()
    user = User.objects.get(email="lena.vogel@adatum.example")
    assert user.check_password(password) and user.must_change_password
    _state(page, viewport, "customer-user-password")

    page.get_by_role("link", name="Done").click()
    row = page.get_by_role("region", name="Users").get_by_role("row", name=re.compile("lena.vogel@adatum.example"))
    expect(row).to_contain_text("Yes")  # must change password
    assert password not in page.content()
    row.get_by_role("link", name="lena.vogel@adatum.example").click()
    expect(page.get_by_role("heading", name="Lena Vogel", level=1)).to_be_visible()
    assert password not in page.content()
    _state(page, viewport, "customer-user-detail")

    page.get_by_role("link", name="Reset password").click()
    expect(page.get_by_role("heading", name="Reset the password of lena.vogel@adatum.example?")).to_be_visible()
    _state(page, viewport, "customer-user-reset-confirm")
    page.get_by_role("button", name="Reset password").click()
    expect(page.get_by_role("heading", name="Password reset", level=1)).to_be_visible()
    second = page.locator("#temporary-password").inner_text()
    user.refresh_from_db()
    assert second != password and user.check_password(second) and not user.check_password(password)
    _state(page, viewport, "customer-user-reset-done")
