"""Playwright in Debian's Chromium against a live server with the demo data: the main pages of issue 11 —
Users, Invite user, and a customer's Service requests, Users (with Reset password), Licenses and Service
management, opened from the Customers row — in German and Hungarian at 1366×768 and 390×844. axe-core finds
nothing, the page does not scroll sideways, the page's own labels show in the reader's language, and no
heading, button, link or column header of the main area is an English string of the catalog."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from partnercenter.models import Tenant, User
from tests.browser_support import check_translated as _check
from tests.browser_support import gettext_in as _
from tests.browser_support import sign_in_any_language as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"de": "de-DE", "hu": "hu-HU"}


@pytest.fixture
def demo(db):
    from partnercenter.demo import demo_load

    demo_load()
    return Tenant.objects.get(primary_domain="adatum.example")


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
@pytest.mark.parametrize("language", ["de", "hu"])
def test_the_issue_11_pages_in_german_and_hungarian(new_page, demo, language, viewport):
    User.objects.filter(email="admin@contoso.example").update(language=language)
    page = new_page(locale=LOCALES[language], viewport=viewport)
    _sign_in(page, "admin@contoso.example")

    page.goto("/users/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(_(language, "Users"))
    expect(page.locator("main").get_by_text("former@contoso.example")).to_be_visible()
    _check(page, language, viewport, "users", "Invite user", "Deactivated", "Invited", "Active")

    page.locator("main").get_by_role("link", name=_(language, "Invite user"), exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_(language, "Invite user"))
    _check(page, language, viewport, "invite-user", "Send invitation", "Cancel")

    # The customer's pages, from its row on Customers.
    page.goto("/customers/")
    page.get_by_role("button", name=_(language, "Show details for %(name)s") % {"name": demo.name}).click()
    details = page.locator(".customer-details")
    for msgid in ("Service management", "Users", "Licenses", "Service requests"):
        expect(details.get_by_role("link", name=_(language, msgid), exact=True)).to_be_visible()
    details.get_by_role("link", name=_(language, "Service requests"), exact=True).click()
    customer = f"/customers/{demo.id}"
    page.wait_for_url(f"**{customer}/service-requests/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(_(language, "Service requests"))
    _check(page, language, viewport, "service-requests", "New service request")

    page.goto(f"{customer}/users/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(_(language, "Users"))
    _check(page, language, viewport, "customer-users", "Add user")
    page.locator("main").get_by_role("link", name="anna.schmidt@adatum.example").click()
    _check(page, language, viewport, "customer-user", "Reset password")
    page.locator("main").get_by_role("link", name=_(language, "Reset password"), exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _check(page, language, viewport, "reset-password")

    page.goto(f"{customer}/licenses/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(_(language, "Licenses"))
    _check(page, language, viewport, "licenses")

    page.goto(f"{customer}/services/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(_(language, "Service management"))
    _check(page, language, viewport, "service-management", "What you can do now")
