"""Playwright in Debian's Chromium against a live server: an Admin agent opens a customer's Licenses,
assigns a license to a user and sees Assigned go up; then chooses more users than there are available
licenses and reads the refusal beside the users, the choice kept. At 1366×768 and 390×844, axe finding
nothing in each state; controls found by their labels."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from licenses.models import LicenseAssignment
from tests.browser_support import assert_accessible, no_sideways_scroll, save_screenshot, sign_in
from tests.licenses_support import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _state(page, viewport: str, name: str) -> None:  # noqa: ANN001
    assert_accessible(page, name)
    assert no_sideways_scroll(page), name
    save_screenshot(page, name, viewport)


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_assign_a_license_and_meet_the_main_error(new_page, viewport):
    w = world(seats=2)
    page = new_page(viewport=viewport)
    sign_in(page, "agent@contoso.example")
    page.goto(f"/customers/{w.customer.id}/licenses/")
    expect(page.get_by_role("heading", name="Licenses", level=1)).to_be_visible()
    _state(page, viewport, "licenses-customer")
    page.get_by_role("region", name="Subscriptions").get_by_role("link", name="Business Mail Basic").click()
    expect(page.get_by_test_id("assigned")).to_have_text("0")
    _state(page, viewport, "licenses-subscription-empty")

    page.get_by_role("link", name="Assign licenses").click()
    page.get_by_label("Anna Auer").check()
    _state(page, viewport, "licenses-assign")
    page.get_by_role("button", name="Assign licenses").click()
    expect(page.get_by_text("A license was assigned to Anna Auer.")).to_be_visible()
    expect(page.get_by_test_id("assigned")).to_have_text("1")
    expect(page.get_by_test_id("available")).to_have_text("1")
    expect(page.get_by_role("region", name="Assigned users").get_by_role("link", name="Anna Auer")).to_be_visible()
    _state(page, viewport, "licenses-subscription")

    page.get_by_role("link", name="Assign licenses").click()
    page.get_by_label("Bela Balogh").check()
    page.get_by_label("Carl Cole").check()
    page.get_by_role("button", name="Assign licenses").click()
    expect(page.get_by_text("Not enough licenses: 1 of 2 are available and the users you chose need 2.")
           ).to_be_visible()
    expect(page.get_by_label("Bela Balogh")).to_be_checked()  # what was chosen is kept
    expect(page.get_by_label("Carl Cole")).to_be_checked()
    _state(page, viewport, "licenses-assign-error")
    assert LicenseAssignment.objects.filter(subscription=w.mail).count() == 1


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_the_customers_global_admin_reads_the_licenses_in_the_admin_center(new_page, viewport):
    from licenses.services import licenses_assign
    from tests.browser_support import open_navigation

    w = world(seats=2)
    licenses_assign(partner=w.partner, customer=w.customer, actor=w.admin, subscription_id=w.mail.id,
                    user_ids=[w.users[0].pk])
    page = new_page(viewport=viewport)
    sign_in(page, w.customer_admin.email)
    open_navigation(page)
    page.locator("#sidebar").get_by_role("link", name="Licenses").click()
    expect(page.get_by_role("heading", name="Licenses", level=1)).to_be_visible()
    _state(page, viewport, "licenses-admin-center")
    page.get_by_role("link", name="Business Mail Basic").click()
    expect(page.get_by_role("region", name="Assigned users").get_by_role("cell", name="Anna Auer")).to_be_visible()
    expect(page.get_by_role("button", name="Assign licenses")).to_have_count(0)
    _state(page, viewport, "licenses-admin-center-subscription")
