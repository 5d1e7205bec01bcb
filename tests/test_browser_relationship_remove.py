"""Playwright in Debian's Chromium: "Remove reseller relationship" (F5) found by its labels, at the
common laptop (1366×768) and a phone (390×844), with axe-core at every state the flow visits."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import CustomerAgreement, ResellerRelationship
from customers.services import dap_grant, reseller_relationship_ensure
from partnercenter.roles import Role
from subscriptions import services as subscription_services
from subscriptions.models import Offer, Subscription
from tests.browser_support import assert_accessible, sign_in
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = ["laptop", "phone"]


@pytest.fixture
def workspace(db):
    partner = PartnerFactory(name="Contoso Cloud GmbH", country="DE")
    agent = member(partner, Role.SALES_AGENT, email="sales@contoso.example", language="en")
    customer = TenantFactory(name="Adatum AG", country="DE")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    dap_grant(partner=partner, customer=customer, services=["productivity"], reassign=False, actor=None)
    CustomerAgreement.objects.create(customer=customer, signer_name="Erika Muster",
                                     signer_email="erika@adatum.example",
                                     accepted_on=timezone.localdate() - timedelta(days=30))
    return partner, agent, customer


def open_removal(page, customer_name: str) -> None:
    """Customers → expand the row → "Account" → "Remove reseller relationship"."""
    page.goto("/customers/")
    page.get_by_role("button", name=f"Show details for {customer_name}").click()
    page.get_by_role("link", name="Account").click()
    page.get_by_role("heading", name=re.compile(customer_name)).wait_for()
    assert_accessible(page, "account")
    page.get_by_role("link", name="Remove reseller relationship").click()
    page.get_by_role("heading", name="Remove reseller relationship").wait_for()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_remove_after_agreeing_to_the_statement(new_page, workspace, viewport):
    partner, agent, customer = workspace
    page = new_page(viewport=viewport)
    sign_in(page, agent.email)
    open_removal(page, customer.name)
    expect(page.get_by_text("This tool doesn't send a notification to the customer.")).to_be_visible()
    expect(page.get_by_text(re.compile("good faith, for a legitimate business purpose"))).to_be_visible()
    assert_accessible(page, "confirmation")

    # The main error: "Remove" without the checkbox — the message stands beside it, nothing is removed.
    page.get_by_role("button", name="Remove", exact=True).click()
    checkbox = page.get_by_label("I have read and agree to the statement above.")
    expect(page.get_by_text("Agree to the statement to remove the relationship.")).to_be_visible()
    expect(checkbox).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "missing attestation")
    assert ResellerRelationship.objects.get(partner=partner, customer=customer).status == "active"

    checkbox.check()
    page.get_by_role("button", name="Remove", exact=True).click()
    page.get_by_text(re.compile(r"The reseller relationship with Adatum AG was removed\.")).wait_for()
    expect(page.get_by_role("button", name=f"Show details for {customer.name}")).to_have_count(0)
    assert_accessible(page, "customers after removal")
    assert ResellerRelationship.objects.get(partner=partner, customer=customer).status == "removed"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_active_subscription_blocks_with_a_link_and_cancel_goes_back(new_page, workspace, viewport):
    partner, agent, customer = workspace
    order, _created = subscription_services.order_place(
        partner=partner, customer=customer, actor=agent, idempotency_key=uuid.uuid4().hex,
        lines=[subscription_services.Line(offer_id=Offer.objects.get(sku="mail-basic").id, quantity=3)])
    subscription = order.lines.get().subscription
    page = new_page(viewport=viewport)
    sign_in(page, agent.email)
    open_removal(page, customer.name)

    expect(page.get_by_text("Active subscriptions stop the removal")).to_be_visible()
    expect(page.get_by_role("button", name="Remove", exact=True)).to_be_disabled()
    assert_accessible(page, "blocked by a subscription")
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("heading", name=re.compile(customer.name)).wait_for()
    page.get_by_role("link", name="Remove reseller relationship").click()
    page.get_by_role("link", name="Business Mail Basic").click()
    page.get_by_role("heading", name=re.compile(r"^Business Mail Basic")).wait_for()
    assert page.url.endswith(f"/customers/{customer.id}/subscriptions/{subscription.id}/")
    assert Subscription.objects.get(pk=subscription.pk).status == "active"
    assert ResellerRelationship.objects.get(partner=partner, customer=customer).status == "active"
