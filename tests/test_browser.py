"""Playwright in Debian's Chromium against a live server: F2 → F4 happy path and the main errors,
found by the visible labels of PRODUCT.md."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import ResellerRelationship
from invitations.models import RelationshipRequest
from partnercenter.models import Cloud
from partnercenter.roles import Role
from tests.browser_support import PASSWORD, assert_accessible, sign_in
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def create_request(page, *, email: str = "", dap: bool = False) -> str:
    """Partner side of F2: open the page, fill it, return the personalised link from the draft."""
    page.goto("/customers/")
    page.get_by_role("link", name="Request a reseller relationship").first.click()
    if dap:
        page.get_by_label("Include delegated administration privileges").check()
    if email:
        page.get_by_label("Customer email").fill(email)
    page.get_by_role("button", name="Create link and draft").click()
    link = page.locator("#draft-link").inner_text().strip()
    assert_accessible(page, "email draft")
    return link


@pytest.fixture
def contoso(db):
    partner = PartnerFactory(name="Contoso Cloud GmbH", country="DE")
    admin = member(partner, Role.ADMIN_AGENT, email="agent@contoso.example")
    return partner, admin


@pytest.mark.parametrize("viewport", ["desktop", "laptop", "phone"])
def test_partner_sends_customer_signs_up_and_accepts_partner_sees_customer(new_page, contoso, viewport):
    partner, agent = contoso
    page = new_page(viewport=viewport)
    sign_in(page, agent.email)
    link = create_request(page, email="mike@adatum.example", dap=True)
    assert "/admin-center/partner-request/" in link
    assert page.get_by_role("link", name="Open in email").get_attribute("href").startswith("mailto:mike@adatum.example")
    page.get_by_role("button", name="Copy to clipboard").is_visible()
    page.get_by_role("button", name="Send").click()
    page.get_by_text("The request was sent to mike@adatum.example.").wait_for()
    assert_accessible(page, "request sent")
    assert page.get_by_role("cell", name="mike@adatum.example").count() == 1 or page.get_by_text("Pending").count()

    # The customer opens the mail in the developer outbox and follows the link.
    customer_page = new_page(viewport=viewport)
    customer_page.goto("/dev/outbox/")
    assert_accessible(customer_page, "developer outbox")
    customer_page.get_by_role("link", name="invites you to a reseller relationship").first.click()
    assert_accessible(customer_page, "developer outbox: the invitation mail")
    customer_page.locator("a[href*='/admin-center/partner-request/']").click()
    customer_page.get_by_role("heading", name="Partner relationship request").wait_for()
    assert_accessible(customer_page, "partner relationship request, visitor")
    assert customer_page.get_by_text(partner.mpn_id).is_visible()
    customer_page.get_by_label("Company name").fill("Adatum AG")
    customer_page.get_by_label("Primary domain").fill("adatum.example")
    customer_page.get_by_label("Country").select_option("DE")
    customer_page.get_by_label("Email").fill("mike@adatum.example")
    customer_page.get_by_label("Password").fill("A-very-good-passw0rd")
    customer_page.get_by_role("button", name="Create organisation").click()
    customer_page.get_by_role("button", name="Accept").wait_for()
    assert_accessible(customer_page, "accept form")
    customer_page.get_by_role("button", name="Accept").click()
    customer_page.get_by_text("is now your reseller").wait_for()
    assert_accessible(customer_page, "accepted")

    page.goto("/customers/")
    page.get_by_role("cell", name="Adatum AG", exact=True).wait_for()
    assert page.get_by_text("DAP").first.is_visible()
    page.get_by_role("button", name="Show details for Adatum AG").click()
    page.get_by_role("link", name="Account").wait_for()
    assert_accessible(page, "customer row expanded")
    assert ResellerRelationship.objects.filter(partner=partner, customer__name="Adatum AG").count() == 1


def test_draft_without_the_link_is_refused_beside_the_field(new_page, contoso):
    _partner, agent = contoso
    page = new_page()
    sign_in(page, agent.email)
    create_request(page, email="mike@adatum.example")
    page.get_by_label("Message").fill("Hello, please become our customer.")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("The message must contain the personalised link").wait_for()
    assert_accessible(page, "draft refused")
    assert page.get_by_label("Message").input_value() == "Hello, please become our customer."


def test_customer_declines(new_page, contoso):
    partner, agent = contoso
    customer = TenantFactory(name="Fabrikam AG", country="AT")
    admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="admin@fabrikam.example")
    page = new_page()
    sign_in(page, agent.email)
    link = create_request(page)
    customer_page = new_page()
    sign_in(customer_page, admin.email)
    customer_page.goto(link)
    customer_page.get_by_role("button", name="Decline").click()
    customer_page.get_by_text("You declined the request from Contoso Cloud GmbH.").wait_for()
    assert_accessible(customer_page, "declined")
    page.goto("/customers/requests/")
    page.locator(".badge", has_text="Declined").wait_for()
    assert_accessible(page, "relationship requests")
    assert not ResellerRelationship.objects.filter(partner=partner).exists()


def test_expired_link_explains_itself_to_the_addressed_customer(new_page, contoso):
    _partner, agent = contoso
    customer = TenantFactory(name="Adatum AG")
    admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="mike@adatum.example")
    page = new_page()
    sign_in(page, agent.email)
    link = create_request(page, email="mike@adatum.example")
    RelationshipRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    stranger = new_page()
    stranger.goto(link)
    stranger.get_by_role("heading", name="This link is not valid").wait_for()
    assert_accessible(stranger, "link not valid")
    customer_page = new_page()
    sign_in(customer_page, admin.email)
    customer_page.goto(link)
    customer_page.get_by_text("expired on").wait_for()
    assert_accessible(customer_page, "link expired")


def test_region_refusal_is_clear_and_creates_nothing(new_page, contoso):
    partner, agent = contoso
    page = new_page()
    sign_in(page, agent.email)
    link = create_request(page)
    visitor = new_page()
    visitor.goto(link)
    visitor.get_by_label("Company name").fill("Northwind Inc")
    visitor.get_by_label("Primary domain").fill("northwind.example")
    visitor.get_by_label("Country").select_option("US")
    visitor.get_by_label("Email").fill("admin@northwind.example")
    visitor.get_by_label("Password").fill("A-very-good-passw0rd")
    visitor.get_by_role("button", name="Create organisation").click()
    visitor.get_by_text("can only form reseller relationships with customers in EU/EFTA").wait_for()
    assert_accessible(visitor, "region refused")
    assert visitor.get_by_label("Company name").input_value() == "Northwind Inc"
    assert not ResellerRelationship.objects.filter(partner=partner).exists()


def test_us_government_partner_has_no_dap_option(new_page):
    partner = PartnerFactory(name="Northwind Federal LLC", country="US", cloud=Cloud.USGOV)
    admin = member(partner, Role.GLOBAL_ADMIN, email="admin@northwind-federal.example")
    page = new_page()
    sign_in(page, admin.email)
    page.goto("/customers/request-relationship/")
    page.get_by_text("US Government cloud").wait_for()
    assert_accessible(page, "US Government request form")
    assert page.get_by_label("Include delegated administration privileges").count() == 0
    link = create_request(page)
    visitor = new_page()
    visitor.goto(link)
    visitor.get_by_text("Office admin portal").wait_for()


@pytest.mark.parametrize(
    ("locale", "language", "customers", "request_label"),
    [("de-DE", "de", "Kunden", "Vertriebspartnerschaft beantragen"),
     ("hu-HU", "hu", "Ügyfelek", "Viszonteladói kapcsolat kérése")],
)
def test_german_and_hungarian_ui(new_page, contoso, locale, language, customers, request_label):
    _partner, agent = contoso
    page = new_page(locale=locale)
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == language
    page.locator("#id_login").fill(agent.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.get_by_role("heading", name=customers).wait_for()
    assert_accessible(page, "customers, de/hu")
    page.get_by_role("link", name=request_label).first.wait_for()
    # Switching the language in the header is remembered for the user.
    page.get_by_label(re.compile("Sprache|Nyelv")).select_option("en")
    page.get_by_role("heading", name="Customers").wait_for()
    agent.refresh_from_db()
    assert agent.language == "en"


def test_below_1200_px_the_navigation_is_behind_the_menu_button(new_page, partner):
    from playwright.sync_api import expect

    page = new_page()
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, member(partner, Role.GLOBAL_ADMIN, language="hu").email)  # Hungarian: the longest labels
    activity = page.get_by_role("link", name="Tevékenységnapló")
    expect(activity).to_be_hidden()
    page.get_by_role("button", name="Navigáció megjelenítése/elrejtése").click()
    activity.click()
    page.wait_for_url("**/activity/")
    expect(page.get_by_role("heading", name="Tevékenységnapló")).to_be_visible()
