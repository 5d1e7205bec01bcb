"""Playwright in Debian's Chromium: the partner's GDAP request (customer row → "Admin relationships" →
"Request admin relationship" → draft → "Send") and its main error (a duplicate display name), at the
common laptop (1366×768) and a phone (390×844), found by their labels, axe-core at every state; the
request page rendered in German and Hungarian (role descriptions in the reader's language).
SCREENSHOT_DIR=/some/dir also saves the request page as PNGs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gdap.models import AdminRelationship, RelationshipStatus
from partnercenter.models import OutboxEmail
from partnercenter.roles import Role
from tests.browser_support import PASSWORD, assert_accessible, no_sideways_scroll, save_screenshot, sign_in
from tests.factories import member
from tests.gdap_partner_support import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("approval_urls")]

VIEWPORTS = ["laptop", "phone"]


@pytest.fixture
def approval_urls(settings):  # noqa: ANN001, ANN201
    settings.ROOT_URLCONF = "tests.gdap_partner_urls"


@pytest.fixture
def world(partner, customer):  # noqa: ANN001, ANN201
    agent = member(partner, Role.ADMIN_AGENT, email="agent@contoso.example", language="en")
    return build_world(partner, agent, customer)


def open_request(page, customer_name: str) -> None:  # noqa: ANN001
    page.goto("/customers/")
    page.get_by_role("button", name=f"Show details for {customer_name}").click()
    # The customer's own link in its details (the sidebar has "Admin relationships" too).
    page.locator("#main").get_by_role("link", name="Admin relationships", exact=True).click()
    page.get_by_role("heading", name=re.compile("Admin relationships")).wait_for()
    expect(page.get_by_text("Adatum support")).to_be_visible()
    assert_accessible(page, "admin relationships")
    page.get_by_role("link", name="Request admin relationship").first.click()
    page.get_by_role("heading", name=re.compile("Request admin relationship")).wait_for()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_request_draft_and_send(new_page, world, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, world.admin.email)
    open_request(page, world.customer.name)
    expect(page.get_by_label("Display name")).to_have_value("Adatum AG")
    assert_accessible(page, "request form")
    save_screenshot(page, "request-form", viewport)
    # The shared role picker: search (every word, case ignored), the count, Global Administrator marked.
    expect(page.get_by_text("Most powerful role")).to_be_visible()
    expect(page.get_by_text("No role selected")).to_be_visible()
    page.get_by_label("Search roles").fill("DIRECTORY readers")
    expect(page.locator(".role-picker-status")).to_have_text(re.compile(r"^Roles shown: \d+$"))
    expect(page.get_by_label(re.compile("^Global Administrator"))).to_be_hidden()
    expect(page.get_by_label("Exchange Administrator")).to_be_hidden()
    page.get_by_label("Directory Readers").check()
    page.get_by_label("Search roles").fill("no such role")
    expect(page.get_by_role("paragraph").filter(has_text="No role matches your search.")).to_be_visible()
    expect(page.get_by_label("Directory Readers")).to_be_visible()  # a ticked role is never hidden
    page.get_by_label("Search roles").fill("")
    page.get_by_label("User Administrator", exact=True).check()
    expect(page.get_by_text("2 roles selected")).to_be_visible()
    # Typing a custom duration chooses "Custom"; a preset is chosen again below.
    page.get_by_label("Custom duration in days").fill("45")
    expect(page.get_by_role("radio", name="Custom")).to_be_checked()
    page.get_by_label("Custom duration in days").fill("")
    page.get_by_role("radio", name="180 days").check()
    assert_accessible(page, "request form, roles chosen")
    save_screenshot(page, "request-form-chosen", viewport)
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Request admin relationship").click()
    page.get_by_role("heading", name=re.compile("Email draft")).wait_for()
    for name in ("Open in email", "Copy to clipboard", "Done"):
        expect(page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))).to_be_visible()
    link = page.locator("#draft-link").inner_text()
    assert re.search(r"/gdap/approval/[\w-]{40,}/$", link)
    expect(page.get_by_role("link", name="Open in email")).to_have_attribute("href", re.compile(r"^mailto:ga-de@"))
    assert_accessible(page, "draft")
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("The approval request was sent to ga-de@adatum.example, ga-hu@adatum.example."))\
        .to_be_visible()
    page.get_by_role("heading", name=re.compile("Adatum AG")).wait_for()
    assert_accessible(page, "relationship after send")
    rel = AdminRelationship.objects.get(display_name="Adatum AG")
    assert rel.status == RelationshipStatus.APPROVAL_PENDING and rel.duration.days == 180
    assert {m.language for m in OutboxEmail.objects.filter(kind="gdap_approval_request")} == {"de", "hu"}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_duplicate_display_name_is_refused_beside_the_field(new_page, world, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, world.admin.email)
    open_request(page, world.customer.name)
    page.get_by_label("Display name").fill("adatum Support")
    page.get_by_label("Directory Readers").check()
    page.get_by_role("button", name="Request admin relationship").click()
    expect(page.get_by_text("You already have an admin relationship named “adatum Support”. Choose another name."))\
        .to_be_visible()
    expect(page.get_by_label("Display name")).to_have_value("adatum Support")
    expect(page.get_by_label("Display name")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Directory Readers")).to_be_checked()
    assert_accessible(page, "duplicate display name")
    assert AdminRelationship.objects.filter(partner=world.partner).count() == 2


@pytest.mark.parametrize(("locale", "language", "description"), [
    ("de-DE", "de", "Liest grundlegende Verzeichnisinformationen wie Benutzer, Gruppen und Anwendungen."),
    ("hu-HU", "hu", "Alapvető címtáradatok, például felhasználók, csoportok és alkalmazások olvasása."),
])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_request_page_in_german_and_hungarian(new_page, world, locale, language, description, viewport):
    page = new_page(locale=locale, viewport=viewport)
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(world.admin.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/customers/"))
    world.admin.language = language
    world.admin.save(update_fields=["language"])
    page.goto(f"/gdap/customers/{world.customer.id}/request/")
    assert page.locator("html").get_attribute("lang") == language
    expect(page.get_by_text(description)).to_be_visible()
    assert no_sideways_scroll(page)
    assert_accessible(page, f"request form, {language}")
