"""F8 Add customer wizard: steps, state kept, cancel, one-transaction submit, temporary password."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from customers.models import CustomerAgreement, DelegatedAdminPermission, ResellerAssociation, ResellerRelationship
from partnercenter.models import ActivityKind, ActivityLog, Tenant, User
from partnercenter.roles import Role
from resellers.models import IndirectPartnership
from subscriptions.models import Offer, Order, Subscription
from tests.conftest import client_for
from tests.factories import PartnerFactory, member

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNT = {
    "company_name": "Adatum AG", "primary_domain": "adatum-new.example", "address_line1": "Hauptstraße 1",
    "postal_code": "10115", "city": "Berlin", "country": "DE", "contact_first_name": "Mia",
    "contact_last_name": "Klein", "contact_email": "mia@adatum-new.example", "contact_phone": "030 1234567",
    "attest": "on", "signer_name": "Mia Klein", "signer_email": "mia@adatum-new.example", "accepted_on": "2026-01-10",
}


def _run(client: Client, account: dict, lines: dict | None = None):  # noqa: ANN202
    assert client.post("/customers/add/", account).status_code == 302
    assert client.post("/customers/add/subscriptions/", lines or {}).status_code == 302
    assert client.get("/customers/add/review/").status_code == 200
    return client.post("/customers/add/review/")


def test_whole_wizard_creates_everything_and_shows_the_password_once(partner, partner_admin):
    client = client_for(partner_admin)
    offer = Offer.objects.get(sku="mail-basic")
    response = _run(client, ACCOUNT, {f"qty_{offer.id}": "7"})
    assert response.status_code == 200
    html = response.content.decode()
    password = re.search(r'id="new-admin-password">([^<]+)<', html).group(1)
    customer = Tenant.objects.get(name="Adatum AG")
    admin = User.objects.get(email="admin@adatum-new.example")
    assert admin.must_change_password and admin.check_password(password)
    assert password not in str(list(User.objects.filter(pk=admin.pk).values()))  # only the hash is stored
    assert ResellerRelationship.objects.filter(partner=partner, customer=customer, status="active").exists()
    assert DelegatedAdminPermission.objects.filter(partner=partner, customer=customer).count() == 3
    assert CustomerAgreement.objects.get(customer=customer).signer_name == "Mia Klein"
    assert Subscription.objects.get(customer=customer).quantity == 7
    assert customer.phone == "+49 30 1234567" and customer.contact_email == "mia@adatum-new.example"
    for tenant in (partner, customer):
        assert ActivityLog.objects.filter(tenant=tenant, kind=ActivityKind.CUSTOMER_ADDED).exists()
    # Shown once: the wizard is over, going back to the review starts again; the password is gone.
    follow = client.get("/customers/add/review/")
    assert follow.status_code == 302 and password not in client.get("/customers/").content.decode()


def test_back_keeps_the_entered_state(partner, partner_admin):
    client = client_for(partner_admin)
    client.post("/customers/add/", ACCOUNT)
    offer = Offer.objects.get(sku="mail-basic")
    response = client.post("/customers/add/subscriptions/", {f"qty_{offer.id}": "3", "back": "1"})
    assert response["Location"] == "/customers/add/"
    page = client.get("/customers/add/").content.decode()
    assert 'value="Adatum AG"' in page and 'value="adatum-new.example"' in page
    assert 'value="3"' in client.get("/customers/add/subscriptions/").content.decode()


def test_cancel_saves_nothing(partner, partner_admin):
    client = client_for(partner_admin)
    client.post("/customers/add/", ACCOUNT)
    client.post("/customers/add/subscriptions/", {})
    assert client.post("/customers/add/cancel/").status_code == 302
    assert client.get("/customers/add/review/").status_code == 302
    assert not Tenant.objects.filter(kind="customer").exists() and not User.objects.filter(
        email="admin@adatum-new.example").exists()


def test_failure_in_the_middle_of_submit_leaves_nothing(partner, partner_admin, monkeypatch):
    import customers.onboarding as onboarding

    def broken(**kwargs):  # noqa: ANN003, ANN202
        raise RuntimeError("order service down")

    monkeypatch.setattr(onboarding, "order_place", broken)
    client = client_for(partner_admin)
    client.raise_request_exception = False
    offer = Offer.objects.get(sku="mail-basic")
    response = _run(client, ACCOUNT, {f"qty_{offer.id}": "2"})
    assert response.status_code == 500
    assert not Tenant.objects.filter(kind="customer").exists()
    assert not User.objects.filter(email="admin@adatum-new.example").exists()
    assert not ResellerRelationship.objects.exists() and not Order.objects.exists()
    assert not CustomerAgreement.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("primary_domain", "not a domain"), ("accepted_on", "2999-01-01"), ("contact_phone", "12"),
     ("contact_email", "nope"), ("country", "US"), ("company_name", "   "), ("attest", "")],
)
def test_account_step_bad_input_keeps_what_was_typed(partner, partner_admin, field, value):
    client = client_for(partner_admin)
    data = {**ACCOUNT, field: value}
    if field == "country":
        data["contact_phone"] = "+1 202 555 0100"  # a valid number there: the region rule must speak
    if not value:
        data.pop(field)
    response = client.post("/customers/add/", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert form["company_name"].value() == data["company_name"]
    assert not Tenant.objects.filter(kind="customer").exists()


def test_domain_taken_and_idn_stored_as_punycode(partner, partner_admin):
    client = client_for(partner_admin)
    _run(client, {**ACCOUNT, "primary_domain": "bäckerei-neu.example"})
    tenant = Tenant.objects.get(kind="customer")
    assert tenant.primary_domain.startswith("xn--") and tenant.domain_display == "bäckerei-neu.example"
    response = client.post("/customers/add/", {**ACCOUNT, "primary_domain": "BÄCKEREI-neu.example"})
    assert response.status_code == 400 and "primary_domain" in response.context["form"].errors


def test_quantity_outside_bounds_on_the_subscriptions_step(partner, partner_admin):
    client = client_for(partner_admin)
    client.post("/customers/add/", ACCOUNT)
    crm = Offer.objects.get(sku="crm-sales")
    response = client.post("/customers/add/subscriptions/", {f"qty_{crm.id}": "2"})
    assert response.status_code == 400 and 'value="2"' in response.content.decode()


@pytest.mark.parametrize("many", [False, True], ids=["drop-down", "mpn-id-box"])
def test_provider_adds_a_customer_for_its_reseller(db, monkeypatch, many):
    if many:  # more resellers than a drop-down holds: the reseller is typed as its MPN ID
        from resellers import selectors as reseller_selectors

        monkeypatch.setattr(reseller_selectors, "SELECT_LIMIT", 0)
    provider = PartnerFactory(partner_type="indirect_provider", country="HU")
    reseller = PartnerFactory(partner_type="indirect_reseller", country="HU")
    IndirectPartnership.objects.create(provider=provider, reseller=reseller)
    # An Admin agent: a Sales agent's Add customer grants no admin permissions (test_defects_wizard.py).
    client = client_for(member(provider, Role.ADMIN_AGENT))
    page = client.get(f"/customers/add/?reseller={reseller.id}")
    typed = reseller.mpn_id if many else str(reseller.id)
    assert page.context["form"]["reseller"].value() == typed  # preselected (the box shows the MPN ID)
    _run(client, {**ACCOUNT, "country": "HU", "contact_phone": "+36 1 234 5678", "reseller": typed})
    customer = Tenant.objects.get(kind="customer")
    association = ResellerAssociation.objects.get(customer=customer)
    assert (association.reseller_id, association.provider_id) == (reseller.id, provider.id)
    assert set(ResellerRelationship.objects.filter(customer=customer).values_list("partner_id", flat=True)) == {
        provider.id, reseller.id}
    assert set(DelegatedAdminPermission.objects.filter(customer=customer).values_list("partner_id", flat=True)) == {
        reseller.id}
    # Another provider's reseller cannot be preselected or posted.
    stranger = PartnerFactory(partner_type="indirect_reseller", country="HU")
    response = client.post("/customers/add/", {**ACCOUNT, "primary_domain": "other.example", "country": "HU",
                                               "contact_phone": "+36 1 234 5678",
                                               "reseller": stranger.mpn_id if many else str(stranger.id)})
    assert response.status_code == 400 and "reseller" in response.context["form"].errors


@pytest.mark.parametrize("role", [Role.HELPDESK_AGENT, Role.BILLING_ADMIN])
def test_roles_that_may_not_add_customers(partner, role):
    assert client_for(member(partner, role)).get("/customers/add/").status_code == 403


def test_new_admin_must_change_the_temporary_password(partner, partner_admin):
    response = _run(client_for(partner_admin), ACCOUNT)
    password = re.search(r'id="new-admin-password">([^<]+)<', response.content.decode()).group(1)
    client = Client()
    assert client.post("/accounts/login/", {"login": "admin@adatum-new.example", "password": password}).status_code == 302
    assert client.get("/admin-center/")["Location"] == "/accounts/password/change/"
    new = "A-new-secret-passw0rd"
    client.post("/accounts/password/change/", {"oldpassword": password, "password1": new, "password2": new})
    admin = User.objects.get(email="admin@adatum-new.example")
    assert not admin.must_change_password and admin.check_password(new)
    assert client.get("/admin-center/").status_code == 200


def test_unicode_digits_in_a_quantity_are_a_message_not_a_500(partner, partner_admin):
    client = client_for(partner_admin)
    client.post("/customers/add/", ACCOUNT)
    offer = Offer.objects.get(sku="mail-basic")
    response = client.post("/customers/add/subscriptions/", {f"qty_{offer.id}": "²"})
    assert response.status_code == 400


def test_a_second_submit_does_not_hide_the_first_ones_password(partner, partner_admin):
    client = client_for(partner_admin)
    assert client.post("/customers/add/", ACCOUNT).status_code == 302
    client.post("/customers/add/subscriptions/", {})
    session_state = dict(client.session)  # a second tab holds the same wizard
    first = client.post("/customers/add/review/")
    assert first.status_code == 200 and "no-store" in first["Cache-Control"]
    twin = client_for(partner_admin)
    session = twin.session
    session.update(session_state)
    session.save()
    second = twin.post("/customers/add/review/")
    assert second.status_code == 302 and second["Location"] == "/customers/"
    assert Tenant.objects.filter(kind="customer").count() == 1
