"""Playwright in Debian's Chromium (F12): a Sales agent creates a trial invitation (Advisor offers →
Trial invitations), sees its URL once, a customer's Global admin opens it in the Admin center and
accepts; the main error (no trial offer chosen) is shown beside the field; a deactivated offer's page
says so. At 1366×768 and 390×844, in English and German, axe finding nothing in each state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from customers.models import ResellerRelationship
from offers.models import AdvisorOffer
from partnercenter.roles import Role
from subscriptions.models import Subscription
from tests.browser_support import assert_accessible, no_sideways_scroll, open_navigation, save_screenshot, sign_in
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _state(page, viewport: str, name: str) -> None:  # noqa: ANN001
    assert_accessible(page, name)
    assert no_sideways_scroll(page), name
    save_screenshot(page, name, viewport)


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_trial_invitation_created_and_accepted(new_page, viewport):
    partner = PartnerFactory(name="Contoso Cloud GmbH")
    member(partner, Role.SALES_AGENT, email="sales@contoso.example")
    customer = TenantFactory(name="Litware Studio GmbH")
    member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="admin@litware.example")

    page = new_page(viewport=viewport)
    sign_in(page, "sales@contoso.example")
    open_navigation(page)
    page.locator("#sidebar").get_by_role("link", name="Trial invitations").click()
    page.get_by_role("link", name="Create trial invitation").first.click()
    _state(page, viewport, "offers-trial-form")
    page.get_by_role("button", name="Create").click()  # the main error: no trial offer chosen
    expect(page.locator("#id_trial_offer.is-invalid")).to_be_visible()
    assert not AdvisorOffer.objects.exists()
    _state(page, viewport, "offers-trial-error")
    page.get_by_label("Trial offer").select_option(label="CRM Sales Trial")
    page.get_by_label("Include delegated administration").check()
    page.get_by_role("button", name="Create").click()
    url = page.get_by_label("Offer URL").input_value()
    assert re.search(r"/admin-center/offer/[\w-]{40,}/$", url)
    _state(page, viewport, "offers-trial-created")

    customer_page = new_page(viewport=viewport)
    sign_in(customer_page, "admin@litware.example")
    customer_page.goto(url)
    expect(customer_page.get_by_role("heading", name="Contoso Cloud GmbH")).to_be_visible()
    expect(customer_page.get_by_text("A free trial of CRM Sales Trial for 25 users")).to_be_visible()
    _state(customer_page, viewport, "offers-customer-page")
    customer_page.get_by_label(re.compile("I agree that Contoso Cloud GmbH administers")).check()
    customer_page.get_by_role("button", name="Accept").click()
    expect(customer_page.get_by_text("Done. Contoso Cloud GmbH is now your advisor.")).to_be_visible()
    _state(customer_page, viewport, "offers-customer-accepted")
    assert ResellerRelationship.objects.get(customer=customer).role == "advisor"
    assert Subscription.objects.get(customer=customer).offer.sku == "crm-trial"

    page.goto("/advisor-offers/trial-invitations/")
    page.get_by_role("link", name="Deactivate").click()
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text("The offer was deactivated.")).to_be_visible()
    customer_page.goto(url)
    expect(customer_page.get_by_text("Contoso Cloud GmbH deactivated this offer.", exact=False)).to_be_visible()
    _state(customer_page, viewport, "offers-customer-deactivated")


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_german_sales_agent_sees_the_error_beside_the_field(new_page, viewport):
    partner = PartnerFactory(name="Contoso Cloud GmbH")
    member(partner, Role.SALES_AGENT, email="sales@contoso.example", language="de")
    page = new_page(locale="de-DE", viewport=viewport)
    page.goto("/accounts/login/")
    page.locator("#id_login").fill("sales@contoso.example")
    page.locator("#id_password").fill("partnercenter")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/customers/"))
    assert page.evaluate("document.documentElement.lang") == "de"
    page.goto("/advisor-offers/purchase-offers/new/")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_be_visible()
    assert not AdvisorOffer.objects.exists()
    _state(page, viewport, "offers-purchase-error-de")
