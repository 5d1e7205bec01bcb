"""Playwright: a Global admin registers an API app from the sidebar's API access page, sees the client
secret once (with Copy), finds the app listed without it, opens Rotate secret ("End the old secret now"
unchecked) and cancels, and revokes it after the confirmation. At 1366×768 and 390×844, axe finding
nothing in each state."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from api.models import ApiApp
from partnercenter.roles import Role
from tests.api_support import token_response
from tests.browser_support import check_state as _state
from tests.browser_support import open_navigation, sign_in
from tests.factories import PartnerFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_register_see_the_secret_once_and_revoke(new_page, viewport):
    partner = PartnerFactory(name="Contoso Cloud GmbH")
    member(partner, Role.GLOBAL_ADMIN, email="admin@contoso.example")
    page = new_page(viewport=viewport)
    sign_in(page, "admin@contoso.example")
    open_navigation(page)
    page.locator("#sidebar").get_by_role("link", name="API access").click()
    expect(page.get_by_role("heading", name="API access", level=1)).to_be_visible()
    expect(page.get_by_text("No API apps yet.")).to_be_visible()
    _state(page, viewport, "api-access-empty")

    page.get_by_role("link", name="Register app").first.click()
    page.get_by_role("button", name="Register app").click()  # nothing filled in: errors beside the fields
    expect(page.get_by_text("Enter a name for the app.")).to_be_visible()
    _state(page, viewport, "api-register-errors")
    page.get_by_label("Name").fill("Billing sync")
    page.get_by_role("group", name="Customers", exact=True).get_by_label("Read only").check()
    page.get_by_role("group", name="Subscriptions", exact=True).get_by_label("Read and write").check()
    page.get_by_label("Sales agent").check()
    _state(page, viewport, "api-register-filled")
    page.get_by_role("button", name="Register app").click()

    expect(page.get_by_text("You will not see this secret again.")).to_be_visible()
    secret = page.get_by_label("Client secret").input_value()
    app = ApiApp.objects.get()
    expect(page.get_by_text(app.client_id)).to_be_visible()
    _state(page, viewport, "api-secret-shown")
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("#copy-secret-status")).not_to_be_empty()  # copied, or how to copy it by hand
    assert token_response(app, secret).status_code == 200

    page.get_by_role("link", name="Done").click()
    region = page.get_by_role("region", name="API apps")
    expect(region.get_by_role("cell", name="Billing sync", exact=True)).to_be_visible()
    assert secret not in page.content()
    _state(page, viewport, "api-access-listed")

    page.get_by_role("link", name="Rotate secret of Billing sync").click()
    expect(page.get_by_label("End the old secret now")).not_to_be_checked()
    _state(page, viewport, "api-rotate-confirm")
    page.get_by_role("link", name="Cancel").click()

    page.get_by_role("link", name="Revoke Billing sync").click()
    expect(page.get_by_role("heading", name="Revoke Billing sync?")).to_be_visible()
    _state(page, viewport, "api-revoke-confirm")
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Billing sync was revoked. Its tokens stopped working.")).to_be_visible()
    expect(region.get_by_text("Revoked", exact=True)).to_be_visible()
    assert page.get_by_role("link", name="Revoke Billing sync").count() == 0
    _state(page, viewport, "api-access-revoked")
    assert token_response(app, secret).status_code in (400, 401)
