"""Playwright in Debian's Chromium against a live server: buying on a customer's behalf (F9) and
managing what was bought, found by the visible labels of PRODUCT.md and of the pages themselves."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import CustomerAgreement
from customers.services import reseller_relationship_ensure
from partnercenter.models import PartnerType
from partnercenter.roles import Role
from resellers.models import IndirectPartnership
from subscriptions.models import EventKind, Offer, Order, Subscription, SubscriptionStatus
from tests.browser_support import assert_accessible, sign_in
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def customer_of(partner, name: str, *, country: str, agreement: bool):  # noqa: ANN001, ANN201
    customer = TenantFactory(name=name, country=country)
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    if agreement:
        CustomerAgreement.objects.create(
            customer=customer, signer_name="Erika Muster", signer_email="erika@customer.example",
            accepted_on=timezone.localdate() - timedelta(days=30), recorded_by_partner=partner,
        )
    return customer


def open_add_subscription(page, customer_name: str) -> None:
    """Customers → expand the row → "Add subscription"."""
    page.goto("/customers/")
    page.get_by_role("button", name=f"Show details for {customer_name}").click()
    page.get_by_role("link", name="Add subscription").click()
    page.get_by_role("heading", name=re.compile(r"^Add subscription")).wait_for()
    assert_accessible(page, "add subscription")


@pytest.fixture
def two_tier(db):
    provider = PartnerFactory(name="Budapest Cloud Kft", country="HU", partner_type=PartnerType.INDIRECT_PROVIDER)
    agent = member(provider, Role.ADMIN_AGENT, email="agent@budapestcloud.example", language="en")
    reseller = PartnerFactory(name="Pécs IT Bt", country="HU", partner_type=PartnerType.INDIRECT_RESELLER)
    IndirectPartnership.objects.create(provider=provider, reseller=reseller)
    customer = customer_of(provider, "Debrecen Logisztika Zrt", country="HU", agreement=True)
    return provider, agent, reseller, customer


@pytest.mark.parametrize("viewport", ["desktop", "laptop", "phone"])
def test_provider_buys_with_reseller_changes_quantity_contact_and_cancels(new_page, two_tier, viewport):
    provider, agent, reseller, customer = two_tier
    reseller_label = f"{reseller.name} ({reseller.mpn_id})"
    page = new_page(viewport=viewport)
    sign_in(page, agent.email)

    open_add_subscription(page, customer.name)
    page.get_by_label("Business Mail Basic", exact=True).fill("3")
    page.get_by_label("Reseller (MPN ID)").select_option(label=reseller_label)
    page.get_by_role("button", name="Submit").click()

    # The order page names the reseller of record and lists the line.
    page.get_by_text("The order was placed.").wait_for()
    page.get_by_role("heading", name=re.compile(r"^Order")).wait_for()
    assert_accessible(page, "order")
    assert page.get_by_text(reseller_label).is_visible()
    line = page.get_by_role("row").filter(has_text="Business Mail Basic")
    expect(line).to_contain_text("3")
    line.get_by_role("link", name="Active").click()

    # Subscription details: change the quantity.
    page.get_by_role("heading", name=re.compile(r"^Business Mail Basic")).wait_for()
    assert_accessible(page, "subscription")
    page.get_by_label("Quantity").fill("7")
    page.get_by_role("button", name="Save quantity").click()
    page.get_by_text("The quantity was changed.").wait_for()
    assert_accessible(page, "quantity changed")
    expect(page.get_by_label("Quantity")).to_have_value("7")
    expect(page.locator("dd", has_text="Licenses (per user)")).to_contain_text("7")
    changed = page.get_by_role("row").filter(has_text="Quantity changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("3 → 7")
    expect(changed).to_contain_text(agent.email)

    # The reseller becomes the designated support contact.
    page.get_by_label("Designated support contact").select_option(label=reseller_label)
    page.get_by_role("button", name="Save support contact").click()
    page.get_by_text("The designated support contact was changed.").wait_for()
    expect(page.get_by_label("Designated support contact")).to_have_value(str(reseller.id))
    expect(page.get_by_role("row").filter(has_text="Designated support contact changed")).to_contain_text(
        reseller.name)

    # Suspend and reactivate.
    page.get_by_role("button", name="Suspend").click()
    page.get_by_text("The subscription was suspended.").wait_for()
    assert_accessible(page, "suspended")
    expect(page.get_by_role("heading", name=re.compile(r"^Business Mail Basic"))).to_contain_text("Suspended")
    assert page.get_by_role("button", name="Save quantity").count() == 0
    page.get_by_role("button", name="Reactivate").click()
    page.get_by_text("The subscription was reactivated.").wait_for()
    expect(page.get_by_role("heading", name=re.compile(r"^Business Mail Basic"))).to_contain_text("Active")

    # The customer's subscriptions list and its CSV export.
    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Subscriptions").click()
    page.get_by_role("heading", name=re.compile(r"^Subscriptions")).wait_for()
    assert_accessible(page, "customer subscriptions")
    row = page.get_by_role("row").filter(has_text="Business Mail Basic")
    expect(row).to_contain_text(reseller_label)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export subscriptions").click()
    content = download_info.value.path().read_text(encoding="utf-8-sig")
    exported = list(csv.reader(io.StringIO(content)))
    assert exported[0][:3] == ["Subscription ID", "Customer", "Offer"]
    assert [r[2:] for r in exported[1:]] == [["Business Mail Basic", "7", "Active", reseller_label]]

    # Cancel, with the confirmation page.
    row.get_by_role("link", name="Business Mail Basic").click()
    page.get_by_role("link", name="Cancel subscription").click()
    page.get_by_role("heading", name="Cancel this subscription?").wait_for()
    assert_accessible(page, "cancel confirmation")
    page.get_by_role("button", name="Cancel subscription").click()
    page.get_by_text("The subscription was cancelled.").wait_for()
    assert_accessible(page, "cancelled")
    expect(page.get_by_role("heading", name=re.compile(r"^Business Mail Basic"))).to_contain_text("Cancelled")
    for label in ("Save quantity", "Save support contact", "Suspend", "Reactivate"):
        assert page.get_by_role("button", name=label).count() == 0
    assert page.get_by_role("link", name="Cancel subscription").count() == 0

    # The expanded Customers row lists the subscription with its reseller of record.
    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Customers").click()
    page.get_by_role("button", name=f"Show details for {customer.name}").click()
    page.get_by_text(f"Business Mail Basic × 7 · Cancelled · {reseller_label}").wait_for()
    assert_accessible(page, "customer row expanded")

    order = Order.objects.get()
    assert (order.partner, order.customer, order.partner_of_record, order.ordered_by) == (
        provider, customer, reseller, agent)
    subscription = Subscription.objects.get()
    assert subscription.order_line.order == order
    assert subscription.offer.name == "Business Mail Basic"
    assert (subscription.quantity, subscription.status) == (7, SubscriptionStatus.CANCELLED)
    assert (subscription.partner_of_record, subscription.support_contact) == (reseller, reseller)
    assert list(subscription.events.order_by("id").values_list("kind", flat=True)) == [
        EventKind.CREATED, EventKind.QUANTITY, EventKind.SUPPORT_CONTACT, EventKind.SUSPENDED,
        EventKind.REACTIVATED, EventKind.CANCELLED,
    ]


@pytest.fixture
def direct(db):
    partner = PartnerFactory(name="Contoso Cloud GmbH", country="DE")
    agent = member(partner, Role.ADMIN_AGENT, email="agent@contoso.example", language="")
    return partner, agent


def test_purchase_is_refused_until_the_customer_agreement_is_recorded(new_page, direct):
    partner, agent = direct
    customer = customer_of(partner, "Adatum AG", country="DE", agreement=False)
    page = new_page()
    sign_in(page, agent.email)

    open_add_subscription(page, customer.name)
    warning = page.locator(".alert-warning")
    expect(warning).to_contain_text("The customer has not accepted the customer agreement yet.")
    expect(page.get_by_role("button", name="Submit")).to_be_disabled()
    expect(page.get_by_label("Business Mail Basic", exact=True)).to_be_disabled()
    # A direct partner names no reseller of record.
    assert page.get_by_label("Reseller (MPN ID)").count() == 0

    warning.get_by_role("link", name="Account").click()
    page.get_by_role("heading", name=re.compile(r"^Adatum AG")).wait_for()
    page.get_by_text("Not recorded yet.").wait_for()
    assert_accessible(page, "account, no agreement")

    # A future acceptance date is refused beside the field; what was typed stays.
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.get_by_label("Signer name").fill("Mike Meyer")
    page.get_by_label("Signer email").fill("mike@adatum.example")
    page.get_by_label("Acceptance date").fill(tomorrow.isoformat())
    page.get_by_label("I confirm that the customer accepted the customer agreement").check()
    page.get_by_role("button", name="Record customer agreement").click()
    page.get_by_text("The acceptance date cannot be in the future.").wait_for()
    assert_accessible(page, "agreement refused")
    assert page.get_by_label("Signer name").input_value() == "Mike Meyer"
    assert page.get_by_label("Signer email").input_value() == "mike@adatum.example"
    expect(page.get_by_label("Acceptance date")).to_have_attribute("aria-invalid", "true")
    assert not CustomerAgreement.objects.filter(customer=customer).exists()

    yesterday = timezone.localdate() - timedelta(days=1)
    page.get_by_label("Acceptance date").fill(yesterday.isoformat())
    confirm = page.get_by_label("I confirm that the customer accepted the customer agreement")
    if not confirm.is_checked():
        confirm.check()
    page.get_by_role("button", name="Record customer agreement").click()
    page.get_by_text("The customer agreement was recorded.").wait_for()
    page.get_by_text("Accepted by Mike Meyer (mike@adatum.example)").wait_for()
    assert_accessible(page, "agreement recorded")
    agreement = CustomerAgreement.objects.get(customer=customer)
    assert (agreement.signer_name, agreement.accepted_on, agreement.recorded_by) == ("Mike Meyer", yesterday, agent)

    # Back to Add subscription: no warning, and the purchase goes through.
    page.get_by_role("link", name="Add subscription").click()
    page.get_by_role("heading", name=re.compile(r"^Add subscription")).wait_for()
    assert page.locator(".alert-warning").count() == 0
    page.get_by_label("Business Mail Basic", exact=True).fill("2")
    page.get_by_role("button", name="Submit").click()
    page.get_by_text("The order was placed.").wait_for()
    subscription = Subscription.objects.get(customer=customer)
    assert (subscription.offer.name, subscription.quantity, subscription.partner) == ("Business Mail Basic", 2, partner)
    assert subscription.partner_of_record is None


def test_quantity_below_the_offer_minimum_is_refused_beside_the_field(new_page, direct):
    partner, agent = direct
    customer = customer_of(partner, "Fabrikam AG", country="AT", agreement=True)
    crm = Offer.objects.get(name="CRM Sales Professional")
    assert crm.min_quantity == 5
    page = new_page()
    sign_in(page, agent.email)

    open_add_subscription(page, customer.name)
    field = page.get_by_label("CRM Sales Professional", exact=True)
    field.fill("2")
    page.get_by_role("button", name="Submit").click()
    message = f"Enter a quantity from 5 to {crm.max_quantity}."
    page.get_by_text(message).wait_for()
    assert_accessible(page, "quantity refused")
    field = page.get_by_label("CRM Sales Professional", exact=True)
    assert field.input_value() == "2"
    expect(field).to_have_class(re.compile(r"\bis-invalid\b"))
    # Beside the field: in the same cell, and announced with it.
    expect(page.locator("td.qty-cell", has=field)).to_contain_text(message)
    error_id = f"err-{crm.id}"
    assert error_id in (field.get_attribute("aria-describedby") or "").split()
    expect(page.locator(f"#{error_id}")).to_have_text(message)
    # Only that offer is marked.
    expect(page.get_by_label("Business Mail Basic", exact=True)).not_to_have_class(re.compile(r"\bis-invalid\b"))
    assert not Order.objects.exists()
    assert not Subscription.objects.exists()
