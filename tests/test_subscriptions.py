"""F9 subscriptions and the purchase rules of PRODUCT.md section 2: quantity bounds, country and
availability, relationship and agreement gates, partner of record, designated support contact, status
changes with their history and activity log, permissions per role, idempotent orders, exports, the
Customers list rows, cross-tenant ids, and bad input on every form (agreement, order, quantity,
support contact)."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, timedelta

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customers.models import CustomerAgreement, RelationshipStatus, ResellerRelationship
from customers.services import reseller_relationship_ensure
from partnercenter.errors import DomainError
from partnercenter.models import ActivityKind, ActivityLog, PartnerType
from partnercenter.roles import Role
from resellers.models import IndirectPartnership, PartnershipStatus
from subscriptions import services
from subscriptions.models import (
    EventKind,
    Offer,
    Order,
    OrderLine,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
)
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db

HOSTILE = ["<script>alert(1)</script>", "' OR 1=1 --", "\u202e\u0000evil", "x" * 5000, "😀" * 300]


# --- Helpers -------------------------------------------------------------------------------------


def offer(sku: str) -> Offer:
    return Offer.objects.get(sku=sku)


def make_ready(partner, customer, *, agreement: bool = True) -> None:
    """The partner may buy for the customer: an active reseller relationship and the customer agreement."""
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    if agreement:
        CustomerAgreement.objects.get_or_create(
            customer=customer,
            defaults={"signer_name": "Mike Miller", "signer_email": "mike@adatum.example",
                      "accepted_on": timezone.localdate() - timedelta(days=3)},
        )


def lines_of(*pairs: tuple[str, int]) -> list[services.Line]:
    return [services.Line(offer_id=offer(sku).id, quantity=quantity) for sku, quantity in pairs]


def place(partner, customer, actor, *pairs: tuple[str, int], key: str | None = None, reseller_id: object = None):
    return services.order_place(
        partner=partner, customer=customer, actor=actor, lines=lines_of(*pairs),
        idempotency_key=key or uuid.uuid4().hex, partner_of_record_id=reseller_id,
    )


def buy(partner, customer, actor, *pairs: tuple[str, int], reseller_id: object = None) -> Order:
    order, created = place(partner, customer, actor, *(pairs or (("crm-sales", 10),)), reseller_id=reseller_id)
    assert created
    return order


def fresh(subscription: Subscription) -> Subscription:
    return Subscription.objects.select_related("offer", "partner", "customer").get(pk=subscription.pk)


def counts() -> dict[str, int]:
    return {
        "orders": Order.objects.count(),
        "subscriptions": Subscription.objects.count(),
        "lines": OrderLine.objects.count(),
        "events": SubscriptionEvent.objects.count(),
        "agreements": CustomerAgreement.objects.count(),
        "activity": ActivityLog.objects.count(),
    }


def state(subscription: Subscription) -> tuple:
    row = fresh(subscription)
    return row.quantity, row.status, row.version, row.support_contact_id, row.events.count()


def change_status(subscription: Subscription, actor, change: str) -> Subscription:
    current = fresh(subscription)
    return services.subscription_status_change(subscription=current, actor=actor, change=change,
                                               version=current.version)


def change_quantity(subscription: Subscription, actor, quantity: int) -> Subscription:
    current = fresh(subscription)
    return services.subscription_quantity_change(subscription=current, actor=actor, quantity=quantity,
                                                 version=current.version)


def set_contact(subscription: Subscription, actor, contact_id: object) -> Subscription:
    current = fresh(subscription)
    return services.subscription_support_contact_set(subscription=current, actor=actor, contact_id=contact_id,
                                                     version=current.version)


def add_url(customer) -> str:
    return f"/customers/{customer.id}/subscriptions/add/"


def list_url(customer) -> str:
    return f"/customers/{customer.id}/subscriptions/"


def detail_url(subscription) -> str:
    return f"/customers/{subscription.customer_id}/subscriptions/{subscription.id}/"


def cancel_url(subscription) -> str:
    return detail_url(subscription) + "cancel/"


def order_url(order) -> str:
    return f"/customers/{order.customer_id}/orders/{order.id}/"


def agreement_url(customer) -> str:
    return f"/customers/{customer.id}/agreement/"


def export_url(customer) -> str:
    return f"/customers/{customer.id}/subscriptions/export.csv"


def order_data(*pairs: tuple[str, object], key: str | None = None, **extra: object) -> dict:
    data: dict = {"idempotency_key": uuid.uuid4().hex if key is None else key, **extra}
    for sku, quantity in pairs:
        data[f"qty_{offer(sku).id}"] = quantity
    return data


def submit_button(html: str) -> str:
    match = re.search(r'<button type="submit"[^>]*>Submit</button>', html)
    assert match, "the order form has no Submit button"
    return match.group(0)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def ready(partner, customer):
    make_ready(partner, customer)
    return customer


@pytest.fixture
def subscription(partner, partner_admin, ready) -> Subscription:
    """CRM Sales Professional (min 5, max 1000) × 10, active."""
    return buy(partner, ready, partner_admin, ("crm-sales", 10)).lines.get().subscription


@pytest.fixture
def provider(db):
    return PartnerFactory(name="Northwind Distribution GmbH", partner_type=PartnerType.INDIRECT_PROVIDER)


@pytest.fixture
def provider_admin(provider):
    return member(provider, Role.GLOBAL_ADMIN)


@pytest.fixture
def reseller(provider):
    """An indirect reseller in an active partnership with `provider`."""
    tenant = PartnerFactory(name="Fabrikam Reseller Kft.", partner_type=PartnerType.INDIRECT_RESELLER)
    IndirectPartnership.objects.create(provider=provider, reseller=tenant)
    return tenant


@pytest.fixture
def foreign_reseller(db):
    """A reseller partnered with ANOTHER provider only."""
    other_provider = PartnerFactory(partner_type=PartnerType.INDIRECT_PROVIDER)
    tenant = PartnerFactory(name="Tailspin Reseller AG", partner_type=PartnerType.INDIRECT_RESELLER)
    IndirectPartnership.objects.create(provider=other_provider, reseller=tenant)
    return tenant


@pytest.fixture
def provider_subscription(provider, provider_admin, customer) -> Subscription:
    make_ready(provider, customer)
    return buy(provider, customer, provider_admin, ("mail-basic", 10)).lines.get().subscription


def non_partnered_candidates(provider, reseller, foreign_reseller, customer) -> dict:
    """Tenants that are NOT an active partnered reseller of `provider`, by case name."""
    loner = PartnerFactory(name="Lonely Reseller GmbH", partner_type=PartnerType.INDIRECT_RESELLER)
    removed = PartnerFactory(name="Former Reseller GmbH", partner_type=PartnerType.INDIRECT_RESELLER)
    IndirectPartnership.objects.create(provider=provider, reseller=removed, status=PartnershipStatus.REMOVED,
                                       removed_at=timezone.now())
    return {
        "not_partnered": loner.id,
        "removed_partnership": removed.id,
        "other_providers_reseller": foreign_reseller.id,
        "a_customer_tenant": customer.id,
        "unknown_id": uuid.uuid4(),
    }


CANDIDATE_CASES = ["not_partnered", "removed_partnership", "other_providers_reseller", "a_customer_tenant",
                   "unknown_id"]


# --- Quantity bounds at order time ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sku", "quantity", "accepted"),
    [("crm-sales", 4, False), ("crm-sales", 5, True), ("crm-sales", 1000, True), ("crm-sales", 1001, False),
     ("mail-basic", 1, True), ("mail-basic", 300, True), ("mail-basic", 301, False), ("mail-basic", -1, False)],
)
def test_order_quantity_bounds_in_the_service(partner, partner_admin, ready, sku, quantity, accepted):
    before = counts()
    if accepted:
        order, created = place(partner, ready, partner_admin, (sku, quantity))
        assert created
        subscription = Subscription.objects.get(order_line__order=order)
        assert (subscription.quantity, subscription.status, subscription.offer.sku) == (quantity, "active", sku)
        assert order.lines.get().quantity == quantity and order.ordered_by == partner_admin
        return
    with pytest.raises(DomainError) as info:
        place(partner, ready, partner_admin, (sku, quantity))
    item = offer(sku)
    assert info.value.field == "lines"
    assert info.value.line_errors == {  # type: ignore[attr-defined]
        item.id: f"Enter a quantity from {item.min_quantity} to {item.max_quantity}."
    }
    assert counts() == before


def test_order_with_no_quantity_at_all_is_refused(partner, partner_admin, ready):
    before = counts()
    with pytest.raises(DomainError) as info:
        place(partner, ready, partner_admin, ("mail-basic", 0), ("crm-sales", 0))
    assert info.value.field == "lines" and "Choose at least one offer" in info.value.message
    assert counts() == before


def test_order_of_several_lines_makes_one_order_and_a_subscription_per_line(partner, partner_admin, ready):
    order = buy(partner, ready, partner_admin, ("mail-basic", 3), ("crm-sales", 7), ("office-apps", 0))
    rows = sorted((line.offer.sku, line.quantity, line.subscription.quantity) for line in order.lines.all())
    assert rows == [("crm-sales", 7, 7), ("mail-basic", 3, 3)]
    assert Subscription.objects.filter(partner=partner, customer=ready).count() == 2
    created = SubscriptionEvent.objects.filter(kind=EventKind.CREATED)
    assert created.count() == 2 and {e.detail for e in created} == {str(order.id)}


@pytest.mark.parametrize(
    ("quantity", "accepted"), [("4", False), ("5", True), ("1000", True), ("1001", False)],
)
def test_order_quantity_bounds_on_the_form(partner, partner_admin, ready, quantity, accepted):
    crm = offer("crm-sales")
    before = counts()
    response = client_for(partner_admin).post(add_url(ready), order_data(("crm-sales", quantity)))
    if accepted:
        assert response.status_code == 302
        order = Order.objects.get(partner=partner, customer=ready)
        assert response["Location"] == order_url(order)
        assert order.lines.get().quantity == int(quantity)
        return
    assert response.status_code == 400
    form = response.context["form"]
    assert f"qty_{crm.id}" in form.errors
    assert form[f"qty_{crm.id}"].value() == quantity  # the typed value is kept
    assert counts() == before


# --- Quantity bounds on a quantity change ----------------------------------------------------------


@pytest.mark.parametrize(("quantity", "accepted"), [(4, False), (5, True), (1000, True), (1001, False), (0, False)])
def test_quantity_change_bounds_in_the_service(partner_admin, subscription, quantity, accepted):
    before = state(subscription)
    if accepted:
        changed = change_quantity(subscription, partner_admin, quantity)
        assert changed.quantity == quantity and changed.version == subscription.version + 1
        event = fresh(subscription).events.first()
        assert (event.kind, event.quantity, event.detail, event.actor) == (
            EventKind.QUANTITY, quantity, f"10 → {quantity}", partner_admin)
        return
    with pytest.raises(DomainError) as info:
        change_quantity(subscription, partner_admin, quantity)
    assert info.value.field == "quantity" and info.value.message == "Enter a quantity from 5 to 1000."
    assert state(subscription) == before


@pytest.mark.parametrize(("quantity", "accepted"), [("4", False), ("5", True), ("1000", True), ("1001", False)])
def test_quantity_change_bounds_on_the_form(partner_admin, subscription, quantity, accepted):
    before = state(subscription)
    response = client_for(partner_admin).post(
        detail_url(subscription), {"action": "quantity", "quantity": quantity, "version": subscription.version}
    )
    if accepted:
        assert response.status_code == 302 and response["Location"] == detail_url(subscription)
        assert fresh(subscription).quantity == int(quantity)
        return
    assert response.status_code == 400
    form = response.context["quantity_form"]
    assert form.errors["quantity"] == ["Enter a quantity from 5 to 1000."]
    assert form["quantity"].value() == quantity
    assert "Enter a quantity from 5 to 1000." in response.content.decode()
    assert state(subscription) == before


# --- Country availability and inactive offers --------------------------------------------------------


def test_offer_not_sold_in_the_customers_country_is_refused(partner, partner_admin, ready):
    gov = offer("office-gov-g3")
    assert ready.country == "DE"
    before = counts()
    with pytest.raises(DomainError) as info:
        place(partner, ready, partner_admin, ("office-gov-g3", 5), ("mail-basic", 2))
    assert info.value.line_errors == {gov.id: "Office Suite Government G3 is not sold in Germany."}  # type: ignore[attr-defined]
    assert counts() == before


def test_order_form_offers_only_what_is_sold_in_the_customers_country(partner, partner_admin, ready):
    html = client_for(partner_admin).get(add_url(ready)).content.decode()
    assert "Business Mail Basic" in html and "Office Suite Government G3" not in html

    us_partner = PartnerFactory(country="US")
    us_admin = member(us_partner, Role.GLOBAL_ADMIN)
    us_customer = TenantFactory(name="Contoso Federal Inc.", country="US")
    make_ready(us_partner, us_customer)
    html = client_for(us_admin).get(add_url(us_customer)).content.decode()
    assert "Office Suite Government G3" in html
    order = buy(us_partner, us_customer, us_admin, ("office-gov-g3", 25))
    assert order.lines.get().offer.sku == "office-gov-g3"


def test_posting_a_quantity_for_an_offer_not_sold_in_the_country_saves_nothing(partner, partner_admin, ready):
    before = counts()
    response = client_for(partner_admin).post(add_url(ready), order_data(("office-gov-g3", "5")))
    assert response.status_code == 400
    assert "Choose at least one offer and a quantity." in response.content.decode()
    assert counts() == before


def test_inactive_offer_is_refused_and_not_offered(partner, partner_admin, ready):
    Offer.objects.filter(sku="phone-addon").update(is_active=False)
    phone = offer("phone-addon")
    before = counts()
    with pytest.raises(DomainError) as info:
        place(partner, ready, partner_admin, ("phone-addon", 5))
    assert info.value.line_errors == {phone.id: "This offer is not available."}  # type: ignore[attr-defined]
    assert counts() == before
    client = client_for(partner_admin)
    assert "Team Phone Add-on" not in client.get(add_url(ready)).content.decode()
    assert client.post(add_url(ready), order_data(("phone-addon", "5"))).status_code == 400
    assert counts() == before


# --- Relationship and agreement gates ----------------------------------------------------------------


def test_no_reseller_relationship_refuses_the_purchase(partner, partner_admin, customer):
    CustomerAgreement.objects.create(customer=customer, signer_name="Mike", signer_email="mike@adatum.example",
                                     accepted_on=date(2024, 1, 2))
    before = counts()
    with pytest.raises(services.PurchaseRefused) as info:
        place(partner, customer, partner_admin, ("mail-basic", 1))
    assert info.value.message == "There is no active reseller relationship with this customer."
    assert counts() == before


def test_removed_relationship_refuses_the_purchase_and_hides_the_order_form(partner, partner_admin, ready):
    ResellerRelationship.objects.filter(partner=partner, customer=ready).update(
        status=RelationshipStatus.REMOVED, removed_at=timezone.now())
    before = counts()
    with pytest.raises(services.PurchaseRefused) as info:
        place(partner, ready, partner_admin, ("mail-basic", 1))
    assert "no active reseller relationship" in info.value.message
    client = client_for(partner_admin)
    assert client.get(add_url(ready)).status_code == 404
    assert client.post(add_url(ready), order_data(("mail-basic", "1"))).status_code == 404
    assert counts() == before


def test_no_customer_agreement_refuses_the_purchase(partner, partner_admin, customer):
    make_ready(partner, customer, agreement=False)
    before = counts()
    with pytest.raises(services.PurchaseRefused) as info:
        place(partner, customer, partner_admin, ("mail-basic", 1))
    assert info.value.message == (
        "The customer has not accepted the customer agreement yet. Record it on the Account page.")
    assert counts() == before


def test_both_gates_missing_name_both(partner, partner_admin, customer):
    with pytest.raises(services.PurchaseRefused) as info:
        place(partner, customer, partner_admin, ("mail-basic", 1))
    assert "reseller relationship" in info.value.message and "customer agreement" in info.value.message


def test_add_page_says_the_agreement_is_missing_and_disables_submit(partner, partner_admin, customer):
    make_ready(partner, customer, agreement=False)
    client = client_for(partner_admin)
    html = client.get(add_url(customer)).content.decode()
    assert "You can&#x27;t buy for this customer yet:" in html or "You can't buy for this customer yet:" in html
    assert "The customer has not accepted the customer agreement yet." in html
    assert "There is no active reseller relationship" not in html
    assert "disabled" in submit_button(html)
    before = counts()
    response = client.post(add_url(customer), order_data(("mail-basic", "3")))
    assert response.status_code == 409  # refused (Code.REFUSED): the customer's state, not the input
    assert "The customer has not accepted the customer agreement yet." in response.content.decode()
    assert counts() == before


def test_add_page_of_a_ready_customer_has_an_enabled_submit(partner, partner_admin, ready):
    html = client_for(partner_admin).get(add_url(ready)).content.decode()
    assert "disabled" not in submit_button(html)
    assert "buy for this customer yet" not in html


# --- Customer agreement ---------------------------------------------------------------------------


def test_agreement_recorded_by_the_service_with_activity_on_both_tenants(partner, partner_admin, customer):
    make_ready(partner, customer, agreement=False)
    agreement = services.customer_agreement_record(
        partner=partner, customer=customer, actor=partner_admin, signer_name="  Mike Miller ",
        signer_email="mike@adatum.example", accepted_on=timezone.localdate(),
    )
    assert (agreement.signer_name, agreement.recorded_by, agreement.recorded_by_partner) == (
        "Mike Miller", partner_admin, partner)
    for tenant in (partner, customer):
        assert ActivityLog.objects.filter(tenant=tenant, kind=ActivityKind.AGREEMENT_RECORDED,
                                          customer=customer).count() == 1


def test_agreement_date_in_the_future_is_refused_by_the_service(partner, partner_admin, customer):
    make_ready(partner, customer, agreement=False)
    with pytest.raises(DomainError) as info:
        services.customer_agreement_record(
            partner=partner, customer=customer, actor=partner_admin, signer_name="Mike",
            signer_email="mike@adatum.example", accepted_on=timezone.localdate() + timedelta(days=1),
        )
    assert info.value.field == "accepted_on"
    assert not CustomerAgreement.objects.exists() and not ActivityLog.objects.filter(
        kind=ActivityKind.AGREEMENT_RECORDED).exists()


def test_agreement_without_relationship_is_refused(partner, partner_admin, customer):
    with pytest.raises(services.PurchaseRefused):
        services.customer_agreement_record(
            partner=partner, customer=customer, actor=partner_admin, signer_name="Mike",
            signer_email="mike@adatum.example", accepted_on=timezone.localdate(),
        )
    assert not CustomerAgreement.objects.exists()
    response = client_for(partner_admin).post(agreement_url(customer), {
        "signer_name": "Mike", "signer_email": "mike@adatum.example",
        "accepted_on": timezone.localdate().isoformat(), "attest": "on"})
    assert response.status_code == 404
    assert not CustomerAgreement.objects.exists()


AGREEMENT = {"signer_name": "Mike Miller", "signer_email": "mike@adatum.example", "attest": "on"}


def test_agreement_form_records_and_unblocks_buying(partner, partner_admin, customer):
    make_ready(partner, customer, agreement=False)
    client = client_for(partner_admin)
    response = client.post(agreement_url(customer), {**AGREEMENT, "accepted_on": timezone.localdate().isoformat()})
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.id}/account/"
    agreement = CustomerAgreement.objects.get(customer=customer)
    assert agreement.signer_email == "mike@adatum.example" and agreement.accepted_on == timezone.localdate()
    assert "disabled" not in submit_button(client.get(add_url(customer)).content.decode())


def test_agreement_form_refuses_a_future_date(partner, partner_admin, customer):
    make_ready(partner, customer, agreement=False)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(partner_admin).post(agreement_url(customer), {**AGREEMENT, "accepted_on": tomorrow})
    assert response.status_code == 400
    form = response.context["agreement_form"]
    assert form.errors["accepted_on"] == ["The acceptance date cannot be in the future."]
    assert form["accepted_on"].value() == tomorrow
    assert not CustomerAgreement.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("signer_name", ""), ("signer_name", "   "), ("signer_name", "x" * 201), ("signer_name", "Mike\x00Miller"),
     ("signer_email", ""), ("signer_email", "nope"), ("signer_email", "a@"), ("signer_email", "@adatum.example"),
     ("signer_email", "x" * 300 + "@example.com"), ("signer_email", "mike@adatum.example\x00"),
     ("signer_email", "<script>@x.example"),
     ("accepted_on", ""), ("accepted_on", "yesterday"), ("accepted_on", "2024-02-30"), ("accepted_on", "99999-01-01"),
     ("accepted_on", "2024-01-01\x00"), ("accepted_on", "x" * 5000),
     ("attest", "")],
)
def test_agreement_form_bad_input(partner, partner_admin, customer, field, value):
    make_ready(partner, customer, agreement=False)
    before = counts()
    data = {**AGREEMENT, "accepted_on": timezone.localdate().isoformat(), field: value}
    if field == "attest":
        del data["attest"]
    response = client_for(partner_admin).post(agreement_url(customer), data)
    assert response.status_code == 400
    form = response.context["agreement_form"]
    assert field in form.errors, form.errors
    if field != "attest":
        assert form[field].value() == value
    assert counts() == before


def test_agreement_signer_name_with_markup_is_stored_verbatim_and_shown_escaped(partner, partner_admin, customer):
    make_ready(partner, customer, agreement=False)
    client = client_for(partner_admin)
    response = client.post(agreement_url(customer), {
        **AGREEMENT, "signer_name": "<script>alert(1)</script>", "accepted_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert CustomerAgreement.objects.get(customer=customer).signer_name == "<script>alert(1)</script>"
    html = client.get(f"/customers/{customer.id}/account/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_agreement_page_only_takes_posts(partner, partner_admin, ready):
    assert client_for(partner_admin).get(agreement_url(ready)).status_code == 405


# --- Partner of record ("Reseller (MPN ID)") ----------------------------------------------------


def test_partner_of_record_is_for_indirect_providers_only(partner, partner_admin, ready, reseller):
    before = counts()
    with pytest.raises(DomainError) as info:
        place(partner, ready, partner_admin, ("mail-basic", 1), reseller_id=reseller.id)
    assert info.value.field == "partner_of_record"
    assert info.value.message == "Only indirect providers name a reseller of record."
    assert counts() == before


def test_direct_partner_order_form_has_no_reseller_field_and_ignores_one(partner, partner_admin, ready, reseller):
    client = client_for(partner_admin)
    response = client.get(add_url(ready))
    assert "partner_of_record" not in response.context["form"].fields
    assert "Reseller (MPN ID)" not in response.content.decode()
    response = client.post(add_url(ready), order_data(("mail-basic", "2"), partner_of_record=str(reseller.id)))
    assert response.status_code == 302
    order = Order.objects.get(partner=partner)
    assert order.partner_of_record is None and order.lines.get().subscription.partner_of_record is None


def test_provider_names_a_partnered_reseller_of_record(provider, provider_admin, customer, reseller):
    make_ready(provider, customer)
    order = buy(provider, customer, provider_admin, ("mail-basic", 4), ("crm-sales", 5), reseller_id=reseller.id)
    assert order.partner_of_record == reseller
    assert {line.subscription.partner_of_record_id for line in order.lines.all()} == {reseller.id}


@pytest.mark.parametrize("case", CANDIDATE_CASES)
def test_partner_of_record_must_be_an_active_partnered_reseller(provider, provider_admin, customer, reseller,
                                                                 foreign_reseller, case):
    make_ready(provider, customer)
    candidate = non_partnered_candidates(provider, reseller, foreign_reseller, customer)[case]
    before = counts()
    with pytest.raises(DomainError) as info:
        place(provider, customer, provider_admin, ("mail-basic", 1), reseller_id=candidate)
    assert info.value.field == "partner_of_record"
    assert info.value.message == "Choose one of your partnered indirect resellers."
    assert counts() == before


@pytest.mark.parametrize("target", ["partner_of_record", "support_contact"])
def test_services_refuse_a_malformed_reseller_id_with_a_domain_error(provider, provider_admin, customer, reseller,
                                                                     provider_subscription, target):
    before, snapshot = counts(), state(provider_subscription)
    with pytest.raises(DomainError) as info:
        if target == "partner_of_record":
            place(provider, customer, provider_admin, ("mail-basic", 1), reseller_id="not-a-uuid")
        else:
            set_contact(provider_subscription, provider_admin, "not-a-uuid")
    assert info.value.field == target
    assert counts() == before and state(provider_subscription) == snapshot


def test_provider_order_form_lists_only_partnered_resellers(provider, provider_admin, customer, reseller,
                                                             foreign_reseller):
    make_ready(provider, customer)
    non_partnered_candidates(provider, reseller, foreign_reseller, customer)
    response = client_for(provider_admin).get(add_url(customer))
    html = response.content.decode()
    assert "Reseller (MPN ID)" in html
    choices = dict(response.context["form"].fields["partner_of_record"].choices)
    assert set(choices) == {"", str(reseller.id)}
    assert f"{reseller.name} ({reseller.mpn_id})" in html
    assert "Tailspin Reseller AG" not in html and "Former Reseller GmbH" not in html


def test_provider_order_form_saves_the_reseller_of_record(provider, provider_admin, customer, reseller):
    make_ready(provider, customer)
    response = client_for(provider_admin).post(
        add_url(customer), order_data(("mail-basic", "2"), partner_of_record=str(reseller.id)))
    assert response.status_code == 302
    order = Order.objects.get(partner=provider)
    assert order.partner_of_record == reseller and order.lines.get().subscription.partner_of_record == reseller
    html = client_for(provider_admin).get(order_url(order)).content.decode()
    assert f"{reseller.name} ({reseller.mpn_id})" in html


@pytest.mark.parametrize("case", [*CANDIDATE_CASES, "not-a-uuid", "\x00", "' OR 1=1 --", "x" * 5000])
def test_provider_order_form_refuses_a_bad_reseller_beside_the_field(provider, provider_admin, customer, reseller,
                                                                      foreign_reseller, case):
    make_ready(provider, customer)
    candidates = non_partnered_candidates(provider, reseller, foreign_reseller, customer)
    value = str(candidates.get(case, case))
    before = counts()
    response = client_for(provider_admin).post(
        add_url(customer), order_data(("mail-basic", "2"), partner_of_record=value))
    assert response.status_code == 400
    form = response.context["form"]
    assert "partner_of_record" in form.errors
    assert form[f"qty_{offer('mail-basic').id}"].value() == "2"  # the rest of what was typed is kept
    assert counts() == before


# --- Designated support contact -----------------------------------------------------------------------


def test_support_contact_is_a_partnered_reseller_or_the_partner(provider, provider_admin, customer, reseller,
                                                                  provider_subscription):
    changed = set_contact(provider_subscription, provider_admin, reseller.id)
    assert changed.support_contact == reseller
    event = changed.events.first()
    assert (event.kind, event.detail) == (EventKind.SUPPORT_CONTACT, reseller.name)
    changed = set_contact(provider_subscription, provider_admin, None)
    assert changed.support_contact is None and changed.events.first().detail == provider.name
    set_contact(provider_subscription, provider_admin, reseller.id)
    changed = set_contact(provider_subscription, provider_admin, provider.id)  # the partner itself
    assert changed.support_contact is None
    assert changed.events.filter(kind=EventKind.SUPPORT_CONTACT).count() == 4


@pytest.mark.parametrize("case", CANDIDATE_CASES)
def test_support_contact_refuses_anything_else(provider, provider_admin, customer, reseller, foreign_reseller,
                                               provider_subscription, case):
    candidate = non_partnered_candidates(provider, reseller, foreign_reseller, customer)[case]
    before = state(provider_subscription)
    with pytest.raises(DomainError) as info:
        set_contact(provider_subscription, provider_admin, candidate)
    assert info.value.field == "support_contact"
    assert state(provider_subscription) == before


def test_direct_partner_cannot_name_a_reseller_as_support_contact(partner_admin, subscription, reseller):
    before = state(subscription)
    with pytest.raises(DomainError) as info:
        set_contact(subscription, partner_admin, reseller.id)
    assert info.value.field == "support_contact"
    assert state(subscription) == before


def test_cancelled_subscription_keeps_its_support_contact(provider_admin, reseller, provider_subscription):
    change_status(provider_subscription, provider_admin, EventKind.CANCELLED)
    before = state(provider_subscription)
    with pytest.raises(DomainError):
        set_contact(provider_subscription, provider_admin, reseller.id)
    assert state(provider_subscription) == before


def test_support_contact_form_saves_a_partnered_reseller(provider_admin, reseller, provider_subscription):
    client = client_for(provider_admin)
    html = client.get(detail_url(provider_subscription)).content.decode()
    assert "Designated support contact" in html and f"{reseller.name} ({reseller.mpn_id})" in html
    response = client.post(detail_url(provider_subscription), {
        "action": "support_contact", "support_contact": str(reseller.id), "version": provider_subscription.version})
    assert response.status_code == 302
    assert fresh(provider_subscription).support_contact == reseller


@pytest.mark.parametrize("case", [*CANDIDATE_CASES, "not-a-uuid", "\x00", "<script>alert(1)</script>", "x" * 5000])
def test_support_contact_form_refuses_bad_choices_beside_the_field(provider, provider_admin, customer, reseller,
                                                                    foreign_reseller, provider_subscription, case):
    value = str(non_partnered_candidates(provider, reseller, foreign_reseller, customer).get(case, case))
    before, totals = state(provider_subscription), counts()
    response = client_for(provider_admin).post(detail_url(provider_subscription), {
        "action": "support_contact", "support_contact": value, "version": provider_subscription.version})
    assert response.status_code == 400
    form = response.context["contact_form"]
    assert "support_contact" in form.errors
    assert state(provider_subscription) == before and counts() == totals


# --- Status transitions, history and activity log ----------------------------------------------


def test_allowed_transitions_write_the_status_history(partner_admin, subscription):
    assert change_status(subscription, partner_admin, EventKind.SUSPENDED).status == SubscriptionStatus.SUSPENDED
    assert change_status(subscription, partner_admin, EventKind.REACTIVATED).status == SubscriptionStatus.ACTIVE
    assert change_status(subscription, partner_admin, EventKind.CANCELLED).status == SubscriptionStatus.CANCELLED
    history = list(fresh(subscription).events.order_by("id").values_list("kind", "status", "quantity"))
    assert history == [
        (EventKind.CREATED, "active", 10), (EventKind.SUSPENDED, "suspended", 10),
        (EventKind.REACTIVATED, "active", 10), (EventKind.CANCELLED, "cancelled", 10),
    ]
    assert fresh(subscription).version == subscription.version + 3


def test_suspended_subscription_can_be_cancelled(partner_admin, subscription):
    change_status(subscription, partner_admin, EventKind.SUSPENDED)
    assert change_status(subscription, partner_admin, EventKind.CANCELLED).status == SubscriptionStatus.CANCELLED


@pytest.mark.parametrize(
    ("before", "change", "message"),
    [([], EventKind.REACTIVATED, "Only a suspended subscription can be reactivated."),
     ([EventKind.SUSPENDED], EventKind.SUSPENDED, "Only an active subscription can be suspended."),
     ([EventKind.CANCELLED], EventKind.SUSPENDED, "Only an active subscription can be suspended."),
     ([EventKind.CANCELLED], EventKind.REACTIVATED, "Only a suspended subscription can be reactivated."),
     ([EventKind.CANCELLED], EventKind.CANCELLED, "This subscription is cancelled already."),
     ([], "deleted", "Unknown change."),
     ([], EventKind.CREATED, "Unknown change.")],
)
def test_refused_transitions_change_nothing(partner_admin, subscription, before, change, message):
    for step in before:
        change_status(subscription, partner_admin, step)
    snapshot, totals = state(subscription), counts()
    with pytest.raises(DomainError) as info:
        change_status(subscription, partner_admin, change)
    assert info.value.message == message
    assert state(subscription) == snapshot and counts() == totals


@pytest.mark.parametrize("status_change", [EventKind.SUSPENDED, EventKind.CANCELLED])
def test_quantity_of_a_suspended_or_cancelled_subscription_cannot_change(partner_admin, subscription, status_change):
    change_status(subscription, partner_admin, status_change)
    snapshot, totals = state(subscription), counts()
    with pytest.raises(DomainError) as info:
        change_quantity(subscription, partner_admin, 20)
    assert info.value.message == "Only an active subscription's quantity can change."
    assert state(subscription) == snapshot and counts() == totals


def test_a_stale_version_is_a_conflict(partner_admin, subscription):
    stale = fresh(subscription)
    change_quantity(subscription, partner_admin, 20)
    with pytest.raises(services.SubscriptionConflict):
        services.subscription_quantity_change(subscription=stale, actor=partner_admin, quantity=30,
                                              version=stale.version)
    assert fresh(subscription).quantity == 20
    assert fresh(subscription).events.filter(kind=EventKind.QUANTITY).count() == 1


def test_every_change_is_logged_on_both_partner_and_customer(provider, provider_admin, customer, reseller):
    make_ready(provider, customer, agreement=False)
    services.customer_agreement_record(partner=provider, customer=customer, actor=provider_admin,
                                       signer_name="Mike", signer_email="mike@adatum.example",
                                       accepted_on=timezone.localdate())
    subscription = buy(provider, customer, provider_admin, ("mail-basic", 10)).lines.get().subscription
    change_quantity(subscription, provider_admin, 12)
    set_contact(subscription, provider_admin, reseller.id)
    change_status(subscription, provider_admin, EventKind.SUSPENDED)
    change_status(subscription, provider_admin, EventKind.REACTIVATED)
    change_status(subscription, provider_admin, EventKind.CANCELLED)
    kinds = [ActivityKind.AGREEMENT_RECORDED, ActivityKind.ORDER_PLACED, ActivityKind.SUBSCRIPTION_QUANTITY,
             ActivityKind.SUBSCRIPTION_SUPPORT, ActivityKind.SUBSCRIPTION_SUSPENDED,
             ActivityKind.SUBSCRIPTION_REACTIVATED, ActivityKind.SUBSCRIPTION_CANCELLED]
    for tenant in (provider, customer):
        for kind in kinds:
            entries = ActivityLog.objects.filter(tenant=tenant, kind=kind, customer=customer)
            assert entries.count() == 1, (tenant.name, kind)
            assert entries.get().actor == provider_admin
    quantity_entry = ActivityLog.objects.get(tenant=customer, kind=ActivityKind.SUBSCRIPTION_QUANTITY)
    assert (quantity_entry.data["old"], quantity_entry.data["new"]) == (10, 12)


def test_status_changes_over_http(partner_admin, subscription):
    client = client_for(partner_admin)
    response = client.post(detail_url(subscription), {"action": "suspended", "version": subscription.version})
    assert response.status_code == 302 and fresh(subscription).status == SubscriptionStatus.SUSPENDED
    html = client.get(detail_url(subscription)).content.decode()
    assert "Reactivate" in html and "Save quantity" not in html
    response = client.post(detail_url(subscription), {"action": "reactivated", "version": fresh(subscription).version})
    assert response.status_code == 302 and fresh(subscription).status == SubscriptionStatus.ACTIVE
    assert client.get(cancel_url(subscription)).status_code == 200
    response = client.post(cancel_url(subscription), {"version": fresh(subscription).version}, follow=True)
    assert fresh(subscription).status == SubscriptionStatus.CANCELLED
    assert "The subscription was cancelled." in messages_of(response)
    html = response.content.decode()
    for label in ("Suspended", "Reactivated", "Cancelled", "Created"):
        assert label in html  # the status history table


def test_refused_transition_over_http_says_why(partner_admin, subscription):
    client = client_for(partner_admin)
    change_status(subscription, partner_admin, EventKind.CANCELLED)
    snapshot = state(subscription)
    response = client.post(cancel_url(subscription), {"version": fresh(subscription).version}, follow=True)
    assert "This subscription is cancelled already." in messages_of(response)
    response = client.post(detail_url(subscription), {"action": "suspended", "version": fresh(subscription).version})
    assert response.status_code == 409  # the subscription's state (Conflict), not the input
    assert "Only an active subscription can be suspended." in response.content.decode()
    response = client.post(detail_url(subscription), {"action": "drop-table", "version": fresh(subscription).version})
    assert response.status_code == 400 and "Unknown change." in response.content.decode()
    assert state(subscription) == snapshot


@pytest.mark.parametrize(("status_change", "data", "message"), [
    (EventKind.SUSPENDED, {"action": "quantity", "quantity": "20"}, "Only an active subscription's quantity can change."),
    (EventKind.CANCELLED, {"action": "support_contact", "support_contact": ""}, "A cancelled subscription cannot change."),
])
def test_change_on_a_page_made_stale_by_a_status_change_says_why(partner_admin, subscription, status_change, data,
                                                                 message):
    # Agent A opened the page while the subscription was active; agent B suspended/cancelled it meanwhile.
    version = fresh(subscription).version
    change_status(subscription, partner_admin, status_change)
    snapshot = state(subscription)
    response = client_for(partner_admin).post(detail_url(subscription), {**data, "version": version})
    assert response.status_code == 409  # the subscription's state changed (Conflict)
    assert state(subscription) == snapshot
    assert escape(message) in response.content.decode()


# --- Permissions on the server -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SALES_AGENT, Role.ADMIN_AGENT, Role.GLOBAL_ADMIN])
def test_buyers_may_buy_and_manage(partner, ready, subscription, role):
    client = client_for(member(partner, role))
    assert client.get(add_url(ready)).status_code == 200
    assert client.post(add_url(ready), order_data(("mail-basic", "3"))).status_code == 302
    assert Order.objects.filter(partner=partner).count() == 2
    assert client.post(detail_url(subscription), {
        "action": "quantity", "quantity": "11", "version": fresh(subscription).version}).status_code == 302
    assert client.post(detail_url(subscription), {
        "action": "suspended", "version": fresh(subscription).version}).status_code == 302
    assert client.post(detail_url(subscription), {
        "action": "reactivated", "version": fresh(subscription).version}).status_code == 302
    assert client.get(cancel_url(subscription)).status_code == 200
    assert client.post(cancel_url(subscription), {"version": fresh(subscription).version}).status_code == 302
    row = fresh(subscription)
    assert (row.quantity, row.status) == (11, SubscriptionStatus.CANCELLED)
    response = client.post(agreement_url(ready), {**AGREEMENT, "accepted_on": timezone.localdate().isoformat()})
    assert response.status_code == 302


def _forbidden_changes(client, customer, subscription) -> None:
    version = subscription.version
    assert client.get(add_url(customer)).status_code == 403
    assert client.post(add_url(customer), order_data(("mail-basic", "3"))).status_code == 403
    for data in ({"action": "quantity", "quantity": "11"}, {"action": "suspended"},
                 {"action": "support_contact", "support_contact": ""}):
        assert client.post(detail_url(subscription), {**data, "version": version}).status_code == 403
    assert client.get(cancel_url(subscription)).status_code == 403
    assert client.post(cancel_url(subscription), {"version": version}).status_code == 403
    assert client.post(agreement_url(customer), {
        **AGREEMENT, "accepted_on": timezone.localdate().isoformat()}).status_code == 403


def test_helpdesk_may_view_but_not_change_or_export(partner, ready, subscription):
    client = client_for(member(partner, Role.HELPDESK_AGENT))
    snapshot, totals = state(subscription), counts()
    html = client.get(list_url(ready)).content.decode()
    assert "CRM Sales Professional" in html and "Add subscription" not in html
    response = client.get(detail_url(subscription))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Save quantity" not in html and "Suspend" not in html and "Cancel subscription" not in html
    assert client.get(order_url(subscription.order_line.order)).status_code == 200
    _forbidden_changes(client, ready, subscription)
    assert client.get(export_url(ready)).status_code == 403
    assert client.get("/subscriptions/export.csv").status_code == 403
    assert state(subscription) == snapshot and counts() == totals


def test_billing_admin_may_view_and_export_but_not_buy(partner, ready, subscription):
    client = client_for(member(partner, Role.BILLING_ADMIN))
    snapshot, totals = state(subscription), counts()
    assert client.get(list_url(ready)).status_code == 200
    assert client.get(detail_url(subscription)).status_code == 200
    assert len(csv_rows(client.get(export_url(ready)))) == 2
    assert len(csv_rows(client.get("/subscriptions/export.csv"))) == 2
    _forbidden_changes(client, ready, subscription)
    assert state(subscription) == snapshot and counts() == totals


@pytest.mark.parametrize(("role", "status"), [
    (Role.GLOBAL_ADMIN, 200), (Role.ADMIN_AGENT, 200), (Role.BILLING_ADMIN, 200),
    (Role.SALES_AGENT, 403), (Role.HELPDESK_AGENT, 403),
])
def test_export_follows_the_permission_table(partner, ready, subscription, role, status):
    client = client_for(member(partner, role))
    assert client.get(export_url(ready)).status_code == status
    assert client.get("/subscriptions/export.csv").status_code == status


@pytest.mark.parametrize("role", [Role.CUSTOMER_GLOBAL_ADMIN, Role.CUSTOMER_USER])
def test_customer_tenants_get_404_on_partner_pages(partner, ready, subscription, role):
    client = client_for(member(ready, role))
    snapshot, totals = state(subscription), counts()
    for url in (add_url(ready), list_url(ready), detail_url(subscription), cancel_url(subscription),
                order_url(subscription.order_line.order), export_url(ready), "/subscriptions/export.csv", "/offers/"):
        assert client.get(url).status_code == 404, url
    for url, data in ((add_url(ready), order_data(("mail-basic", "3"))),
                      (detail_url(subscription), {"action": "suspended", "version": subscription.version}),
                      (cancel_url(subscription), {"version": subscription.version}),
                      (agreement_url(ready), {**AGREEMENT, "accepted_on": "2024-01-01"})):
        assert client.post(url, data).status_code == 404, url
    assert state(subscription) == snapshot and counts() == totals


def test_customer_admin_sees_its_subscriptions_read_only(partner, partner_admin, ready, subscription,
                                                         customer_admin):
    other = TenantFactory(name="Fabrikam Kft.")
    make_ready(partner, other)
    foreign = buy(partner, other, partner_admin, ("backup-1tb", 42)).lines.get().subscription
    response = client_for(customer_admin).get("/admin-center/subscriptions/")
    assert response.status_code == 200
    assert [row.id for row in response.context["rows"]] == [subscription.id]
    html = response.content.decode()
    assert "CRM Sales Professional" in html and partner.name in html
    assert "Cloud Backup 1 TB" not in html and str(foreign.id) not in html
    assert "Customer agreement accepted by Mike Miller" in html
    assert "Save quantity" not in html and "/cancel/" not in html and "Suspend" not in html
    assert 'name="action"' not in html and 'name="quantity"' not in html


def test_partner_users_get_404_on_the_admin_center_subscriptions(partner_admin):
    assert client_for(partner_admin).get("/admin-center/subscriptions/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, ready, subscription):
    for url in (add_url(ready), detail_url(subscription), "/subscriptions/export.csv", "/admin-center/subscriptions/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


# --- Idempotency ---------------------------------------------------------------------------------------


def test_same_idempotency_key_twice_in_the_service_is_one_order(partner, partner_admin, ready):
    first, created = place(partner, ready, partner_admin, ("mail-basic", 3), ("crm-sales", 5), key="k-1")
    totals = counts()
    again, created_again = place(partner, ready, partner_admin, ("mail-basic", 99), key="k-1")
    assert created and not created_again and again.pk == first.pk
    assert counts() == totals
    assert Order.objects.count() == 1 and Subscription.objects.count() == 2 and OrderLine.objects.count() == 2


def test_same_idempotency_key_twice_over_http_is_one_order_and_an_info_message(partner, partner_admin, ready):
    client = client_for(partner_admin)
    data = order_data(("mail-basic", "3"), ("crm-sales", "5"))
    first = client.post(add_url(ready), data, follow=True)
    order = Order.objects.get()
    assert first.redirect_chain == [(order_url(order), 302)]
    assert "The order was placed." in messages_of(first)
    second = client.post(add_url(ready), data, follow=True)
    assert second.redirect_chain == [(order_url(order), 302)]
    assert "This order was placed already; it was not placed twice." in messages_of(second)
    assert Order.objects.count() == 1 and Subscription.objects.count() == 2 and OrderLine.objects.count() == 2
    assert ActivityLog.objects.filter(kind=ActivityKind.ORDER_PLACED).count() == 2  # partner + customer, once


def test_each_page_load_carries_a_fresh_idempotency_key(partner_admin, ready):
    client = client_for(partner_admin)
    keys = {client.get(add_url(ready)).context["form"]["idempotency_key"].value() for _ in range(3)}
    assert len(keys) == 3 and all(len(key) >= 32 for key in keys)


def test_idempotency_keys_are_per_partner(partner, partner_admin, ready):
    other = PartnerFactory()
    other_admin = member(other, Role.GLOBAL_ADMIN)
    make_ready(other, ready)
    mine, _created = place(partner, ready, partner_admin, ("mail-basic", 1), key="shared-key")
    theirs, created = place(other, ready, other_admin, ("mail-basic", 1), key="shared-key")
    assert created and theirs.pk != mine.pk and theirs.partner == other


# --- Exports ---------------------------------------------------------------------------------------------


HEADER = ["Subscription ID", "Customer", "Offer", "Quantity", "Status", "Reseller (MPN ID)"]


def test_customer_export_has_the_columns_and_only_own_subscriptions(provider, provider_admin, customer, reseller):
    make_ready(provider, customer)
    order = buy(provider, customer, provider_admin, ("mail-basic", 3), ("crm-sales", 6), reseller_id=reseller.id)
    suspended = order.lines.get(offer__sku="crm-sales").subscription
    change_status(suspended, provider_admin, EventKind.SUSPENDED)
    other = PartnerFactory()
    make_ready(other, customer)
    buy(other, customer, member(other, Role.GLOBAL_ADMIN), ("backup-1tb", 77))  # the same customer, another partner
    rows = csv_rows(client_for(provider_admin).get(export_url(customer)))
    assert rows[0] == HEADER
    mail_sub = order.lines.get(offer__sku="mail-basic").subscription
    mpn = f"{reseller.name} ({reseller.mpn_id})"
    assert sorted(rows[1:]) == sorted([
        [str(mail_sub.id), customer.name, "Business Mail Basic", "3", "Active", mpn],
        [str(suspended.id), customer.name, "CRM Sales Professional", "6", "Suspended", mpn],
    ])


def test_export_of_all_customers_is_only_the_partners_own(partner, partner_admin, ready):
    second = TenantFactory(name="Fabrikam Kft.")
    make_ready(partner, second)
    mine = [buy(partner, ready, partner_admin, ("mail-basic", 2)), buy(partner, second, partner_admin, ("crm-sales", 9))]
    other = PartnerFactory()
    outsider = TenantFactory(name="Outsider GmbH")
    make_ready(other, outsider)
    make_ready(other, ready)
    other_admin = member(other, Role.GLOBAL_ADMIN)
    buy(other, outsider, other_admin, ("backup-1tb", 1))
    buy(other, ready, other_admin, ("backup-1tb", 2))
    rows = csv_rows(client_for(partner_admin).get("/subscriptions/export.csv"))
    assert rows[0] == HEADER
    expected = {str(o.lines.get().subscription_id) for o in mine}
    assert {r[0] for r in rows[1:]} == expected
    assert {r[1] for r in rows[1:]} == {"Adatum AG", "Fabrikam Kft."}
    assert all(r[5] == "" for r in rows[1:])


def test_export_of_another_partners_customer_is_404(partner_admin):
    other = PartnerFactory()
    theirs = TenantFactory()
    make_ready(other, theirs)
    buy(other, theirs, member(other, Role.GLOBAL_ADMIN), ("mail-basic", 1))
    assert client_for(partner_admin).get(export_url(theirs)).status_code == 404


def test_export_defuses_formulas_in_customer_names(partner, partner_admin):
    evil = TenantFactory(name='=HYPERLINK("http://evil.example","x")')
    make_ready(partner, evil)
    buy(partner, evil, partner_admin, ("mail-basic", 1))
    rows = csv_rows(client_for(partner_admin).get(export_url(evil)))
    assert rows[1][1] == "'=HYPERLINK(\"http://evil.example\",\"x\")"


# --- Customers list: expanded rows and query count -------------------------------------------------------


def _customers_with_subscriptions(provider, admin, reseller, how_many: int, start: int) -> list:
    tenants = []
    for i in range(start, start + how_many):
        tenant = TenantFactory(name=f"Kunde {i:03d} GmbH")
        make_ready(provider, tenant)
        buy(provider, tenant, admin, ("mail-basic", i + 1), ("crm-sales", 5 + i), reseller_id=reseller.id)
        tenants.append(tenant)
    return tenants


def test_customers_list_query_count_does_not_grow_with_subscriptions(provider, provider_admin, reseller):
    client = client_for(provider_admin)
    _customers_with_subscriptions(provider, provider_admin, reseller, 3, 0)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/customers/").status_code == 200
    _customers_with_subscriptions(provider, provider_admin, reseller, 27, 3)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/customers/")
    assert len(response.context["page"].rows) == 30
    assert len(large.captured_queries) == len(small.captured_queries)
    # Each row's subscriptions come with the row when it is opened: one request, a fixed number of queries.
    rows = response.context["page"].rows
    counts_per_row = set()
    for row in (rows[0], rows[-1]):
        with CaptureQueriesContext(connection) as one:
            html = client.get(f"/customers/{row.customer_id}/row/").content.decode()
        counts_per_row.add(len(one.captured_queries))
        assert html.count("<li>") == 2
    assert len(counts_per_row) == 1


def test_customers_list_expanded_row_shows_the_subscriptions(provider, provider_admin, customer, reseller):
    make_ready(provider, customer)
    order = buy(provider, customer, provider_admin, ("mail-basic", 3), ("crm-sales", 7), reseller_id=reseller.id)
    change_status(order.lines.get(offer__sku="mail-basic").subscription, provider_admin, EventKind.SUSPENDED)
    empty = TenantFactory(name="Empty AG")
    make_ready(provider, empty)
    html = client_for(provider_admin).get(f"/customers/{customer.id}/row/").content.decode()
    mpn = f"{reseller.name} ({reseller.mpn_id})"
    assert f"<li>CRM Sales Professional × 7 · Active · {mpn}</li>" in html
    assert f"<li>Business Mail Basic × 3 · Suspended · {mpn}</li>" in html
    assert f"{add_url(customer)}" in html and f"{list_url(customer)}" in html


def test_customers_list_rows_show_only_the_partners_own_subscriptions(partner, partner_admin, ready):
    buy(partner, ready, partner_admin, ("mail-basic", 3))
    other = PartnerFactory()
    make_ready(other, ready)
    buy(other, ready, member(other, Role.GLOBAL_ADMIN), ("backup-1tb", 9))
    html = client_for(partner_admin).get(f"/customers/{ready.id}/row/").content.decode()
    assert "<li>Business Mail Basic × 3 · Active</li>" in html and "Cloud Backup 1 TB" not in html


# --- Cross-tenant ids in URLs and form bodies ------------------------------------------------------


@pytest.fixture
def theirs(ready):
    """Another direct partner with its own customer and a subscription for OUR customer too."""
    other = PartnerFactory(name="Litware Cloud GmbH")
    other_admin = member(other, Role.GLOBAL_ADMIN)
    own_customer = TenantFactory(name="Litware Kunde GmbH")
    make_ready(other, own_customer)
    make_ready(other, ready)
    return {
        "partner": other,
        "customer": own_customer,
        "order": buy(other, own_customer, other_admin, ("mail-basic", 5)),
        "shared": buy(other, ready, other_admin, ("backup-1tb", 5)).lines.get().subscription,
    }


def test_another_partners_ids_in_urls_are_404(partner_admin, ready, subscription, theirs):
    client = client_for(partner_admin)
    shared, order, their_customer = theirs["shared"], theirs["order"], theirs["customer"]
    their_sub = order.lines.get().subscription
    snapshot = [state(shared), state(their_sub)]
    totals = counts()
    urls = [
        detail_url(shared),  # our customer, their subscription
        f"/customers/{ready.id}/subscriptions/{their_sub.id}/",
        detail_url(their_sub),  # their customer
        cancel_url(shared), cancel_url(their_sub),
        order_url(order), f"/customers/{ready.id}/orders/{order.id}/",
        add_url(their_customer), list_url(their_customer), export_url(their_customer),
        f"/customers/{their_customer.id}/subscriptions/{subscription.id}/",  # our subscription, their customer
        f"/customers/{uuid.uuid4()}/subscriptions/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    posts = [
        (detail_url(shared), {"action": "quantity", "quantity": "7", "version": shared.version}),
        (detail_url(shared), {"action": "suspended", "version": shared.version}),
        (detail_url(their_sub), {"action": "suspended", "version": their_sub.version}),
        (cancel_url(shared), {"version": shared.version}),
        (cancel_url(their_sub), {"version": their_sub.version}),
        (add_url(their_customer), order_data(("mail-basic", "3"))),
        (agreement_url(their_customer), {**AGREEMENT, "accepted_on": "2024-01-01"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert [state(shared), state(their_sub)] == snapshot and counts() == totals


def test_a_shared_customers_list_shows_only_own_subscriptions(partner_admin, ready, subscription, theirs):
    response = client_for(partner_admin).get(list_url(ready))
    assert [row.id for row in response.context["rows"]] == [subscription.id]
    assert "Cloud Backup 1 TB" not in response.content.decode()


def test_provider_cannot_post_another_providers_reseller(provider, provider_admin, customer, foreign_reseller,
                                                         provider_subscription):
    client = client_for(provider_admin)
    totals, snapshot = counts(), state(provider_subscription)
    response = client.post(add_url(customer), order_data(("mail-basic", "1"),
                                                         partner_of_record=str(foreign_reseller.id)))
    assert response.status_code == 400 and "partner_of_record" in response.context["form"].errors
    response = client.post(detail_url(provider_subscription), {
        "action": "support_contact", "support_contact": str(foreign_reseller.id),
        "version": provider_subscription.version})
    assert response.status_code == 400 and "support_contact" in response.context["contact_form"].errors
    assert counts() == totals and state(provider_subscription) == snapshot


def test_an_order_of_another_customer_is_not_reachable_by_its_idempotency_key(partner, partner_admin, ready):
    """Re-posting another customer's form key never buys for this customer and never shows the other order."""
    second = TenantFactory(name="Fabrikam Kft.")
    make_ready(partner, second)
    client = client_for(partner_admin)
    data = order_data(("mail-basic", "3"))
    assert client.post(add_url(ready), data).status_code == 302
    totals = counts()
    response = client.post(add_url(second), data, follow=True)
    assert response.status_code in (400, 404)
    first = Order.objects.get(customer=ready)
    assert str(first.id) not in response.content.decode()
    assert counts() == totals and not Subscription.objects.filter(customer=second).exists()


# --- Bad input: order form -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "abc", "3x", "-1", "-0.5", "1.5", "1e3", str(10**30), "9" * 5000, "5\x00", "\x00", "０x", "٣-", *HOSTILE,
])
def test_order_form_bad_quantity(partner_admin, ready, value):
    mail = offer("mail-basic")
    totals = counts()
    response = client_for(partner_admin).post(add_url(ready), order_data(("mail-basic", value), ("crm-sales", "5")))
    assert response.status_code == 400
    form = response.context["form"]
    assert f"qty_{mail.id}" in form.errors
    assert form[f"qty_{mail.id}"].value() == value
    assert form[f"qty_{offer('crm-sales').id}"].value() == "5"
    assert counts() == totals


def test_order_form_bad_quantity_is_shown_escaped(partner_admin, ready):
    response = client_for(partner_admin).post(add_url(ready), order_data(("mail-basic", '"><script>alert(1)</script>')))
    html = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_order_form_empty_is_a_clear_message(partner_admin, ready):
    totals = counts()
    response = client_for(partner_admin).post(add_url(ready), {"idempotency_key": uuid.uuid4().hex})
    assert response.status_code == 400
    assert "Choose at least one offer and a quantity." in response.content.decode()
    assert counts() == totals


@pytest.mark.parametrize("key", ["", "x" * 65, "a\x00b", "x" * 5000])
def test_order_form_tampered_idempotency_key_saves_nothing(partner_admin, ready, key):
    totals = counts()
    response = client_for(partner_admin).post(add_url(ready), order_data(("mail-basic", "3"), key=key))
    assert response.status_code == 400
    # The form is handed back with a fresh key and says so; the quantities typed are kept.
    assert "The form expired. Check the quantities and submit again." in response.context["form"].non_field_errors()
    assert response.context["form"]["idempotency_key"].value() not in ("", key)
    assert counts() == totals


def test_order_form_tampered_idempotency_key_says_what_to_do(partner_admin, ready):
    response = client_for(partner_admin).post(add_url(ready), order_data(("mail-basic", "3"), key=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The form expired. Check the quantities and submit again." in html


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(quantities=st.fixed_dictionaries({
    sku: st.one_of(
        st.integers(min_value=-(10**31), max_value=10**31).map(str),
        st.integers(min_value=-2, max_value=1002).map(str),
        st.text(max_size=40),
        st.sampled_from(["", " ", "0", "1", "4", "5", "300", "301", "1000", "1001", "1.0", "1e2", "\x00"]),
    ) for sku in ("mail-basic", "crm-sales", "office-enterprise")
}))
def test_order_form_quantities_never_500_and_never_half_saved(partner, partner_admin, ready, quantities):
    from django.test import Client

    client = Client()
    client.force_login(partner_admin)
    totals = counts()
    response = client.post(add_url(ready), order_data(*quantities.items()))
    assert response.status_code in (302, 400)
    after = counts()
    if response.status_code == 400:
        assert after == totals
        return
    order = Order.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])
    lines = list(order.lines.select_related("offer", "subscription"))
    assert lines and after["orders"] == totals["orders"] + 1
    assert after["subscriptions"] - totals["subscriptions"] == len(lines) == after["lines"] - totals["lines"]
    for line in lines:
        assert line.offer.min_quantity <= line.quantity <= line.offer.max_quantity
        assert line.subscription.quantity == line.quantity
        assert forms.IntegerField(required=False).clean(quantities[line.offer.sku]) == line.quantity


# --- Bad input: quantity form -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "", " ", "abc", "-1", "0", "1.5", "1e3", str(10**30), "9" * 5000, "12\x00", "\x00", *HOSTILE,
])
def test_quantity_form_bad_input(partner_admin, subscription, value):
    snapshot, totals = state(subscription), counts()
    response = client_for(partner_admin).post(
        detail_url(subscription), {"action": "quantity", "quantity": value, "version": subscription.version})
    assert response.status_code == 400
    form = response.context["quantity_form"]
    assert form.errors.get("quantity")
    assert form["quantity"].value() == value
    assert state(subscription) == snapshot and counts() == totals


@pytest.mark.parametrize("version", ["", "abc", "0", "-1", str(10**30), "9" * 5000, "1\x00", None])
def test_tampered_version_is_refused_without_a_500(partner_admin, subscription, version):
    snapshot, totals = state(subscription), counts()
    client = client_for(partner_admin)
    for data in ({"action": "quantity", "quantity": "20"}, {"action": "suspended"},
                 {"action": "support_contact", "support_contact": ""}):
        if version is not None:
            data["version"] = version
        response = client.post(detail_url(subscription), data)
        assert response.status_code in (400, 409), data
    response = client.post(cancel_url(subscription), {} if version is None else {"version": version}, follow=True)
    assert response.status_code == 200 and messages_of(response)
    assert state(subscription) == snapshot and counts() == totals


def test_version_from_the_future_is_a_conflict(partner_admin, subscription):
    snapshot = state(subscription)
    response = client_for(partner_admin).post(
        detail_url(subscription), {"action": "quantity", "quantity": "20", "version": subscription.version + 5})
    assert response.status_code == 409
    assert "Someone else changed this subscription" in response.content.decode()
    assert state(subscription) == snapshot


# --- Bad input: support contact form -------------------------------------------------------------------


@pytest.mark.parametrize("action", ["", "quantity\x00", "x" * 5000, "<script>", "cancelled"])
def test_unknown_actions_are_refused(partner_admin, subscription, action):
    snapshot, totals = state(subscription), counts()
    response = client_for(partner_admin).post(detail_url(subscription), {"action": action,
                                                                         "version": subscription.version})
    assert response.status_code == 400
    assert state(subscription) == snapshot and counts() == totals


def test_support_contact_missing_version_keeps_the_choice(provider_admin, reseller, provider_subscription):
    snapshot = state(provider_subscription)
    response = client_for(provider_admin).post(detail_url(provider_subscription), {
        "action": "support_contact", "support_contact": str(reseller.id)})
    assert response.status_code == 400
    assert response.context["contact_form"]["support_contact"].value() == str(reseller.id)
    assert state(provider_subscription) == snapshot


# --- Providers with more resellers than a drop-down holds: the reseller is typed as its MPN ID ----


@pytest.fixture
def many_resellers(monkeypatch):
    """Pretend the provider has more resellers than a drop-down holds (the limit is 300)."""
    from resellers import selectors as reseller_selectors

    monkeypatch.setattr(reseller_selectors, "SELECT_LIMIT", 0)


def test_order_form_takes_the_reseller_of_record_by_mpn_id(provider, provider_admin, customer, reseller,
                                                           foreign_reseller, many_resellers):
    make_ready(provider, customer)
    client = client_for(provider_admin)
    html = client.get(add_url(customer)).content.decode()
    assert 'name="partner_of_record"' in html and "<option" not in html.split('name="partner_of_record"')[1][:300]
    assert reseller.name not in html  # no list of resellers on the page
    # Another provider's reseller is refused beside the field, and what was typed stays.
    response = client.post(add_url(customer), order_data(("mail-basic", "2"), partner_of_record=foreign_reseller.mpn_id))
    assert response.status_code == 400
    assert response.context["form"].errors["partner_of_record"] == ["None of your indirect resellers has this MPN ID."]
    assert response.context["form"]["partner_of_record"].value() == foreign_reseller.mpn_id
    assert not Order.objects.exists()
    response = client.post(add_url(customer), order_data(("mail-basic", "2"), partner_of_record=f" {reseller.mpn_id} "))
    assert response.status_code == 302
    assert Order.objects.get(partner=provider).partner_of_record == reseller


def test_support_contact_by_mpn_id(provider, provider_admin, provider_subscription, reseller, foreign_reseller,
                                   many_resellers):
    client = client_for(provider_admin)
    url = detail_url(provider_subscription)
    html = client.get(url).content.decode()
    assert 'name="support_contact"' in html and "The reseller's MPN ID; leave it empty for your own organisation." in html
    data = {"action": "support_contact", "version": provider_subscription.version}
    response = client.post(url, {**data, "support_contact": foreign_reseller.mpn_id})
    assert response.status_code == 400 and fresh(provider_subscription).support_contact is None
    client.post(url, {**data, "support_contact": reseller.mpn_id})
    assert fresh(provider_subscription).support_contact == reseller
    # The page shows the chosen contact's MPN ID in the box.
    assert f'value="{reseller.mpn_id}"' in client.get(url).content.decode()


def test_add_customer_wizard_preselects_the_reseller_as_its_mpn_id(provider, provider_admin, reseller,
                                                                  foreign_reseller, many_resellers):
    client = client_for(provider_admin)
    html = client.get("/customers/add/", {"reseller": str(reseller.id)}).content.decode()
    assert 'name="reseller"' in html and f'value="{reseller.mpn_id}"' in html
    # Another provider's reseller in the link is not preselected.
    other = client_for(member(provider, Role.GLOBAL_ADMIN))
    assert f'value="{foreign_reseller.mpn_id}"' not in other.get(
        "/customers/add/", {"reseller": str(foreign_reseller.id)}).content.decode()
