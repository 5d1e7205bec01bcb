"""Issue 8: lookalike domains, DAP only for roles that may request it, indirect resellers and Add
customer, the product's own validation wording, errors in one round, one full stop."""

from __future__ import annotations

import pytest

from customers.models import DelegatedAdminPermission
from invitations import services as invitation_services
from partnercenter.domains import InvalidDomain, LookalikeDomain, normalize_domain
from partnercenter.models import ActivityKind, ActivityLog, Tenant
from partnercenter.roles import Role
from resellers.models import IndirectPartnership
from subscriptions.models import Offer
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db

ACCOUNT = {
    "company_name": "Adatum AG", "primary_domain": "adatum-new.example", "address_line1": "Hauptstraße 1",
    "postal_code": "10115", "city": "Berlin", "country": "DE", "contact_first_name": "Mia",
    "contact_last_name": "Klein", "contact_email": "mia@adatum-new.example", "contact_phone": "030 1234567",
    "attest": "on", "signer_name": "Mia Klein", "signer_email": "mia@adatum-new.example", "accepted_on": "2026-01-10",
}
LOOKALIKES = ["соntoso.example", "аррӏе.com", "xn--80ak6aa92e.com", "раураl.com", "gооgle.com",
              # Latin letters that pass for plain ones (UTS #39 confusables mapping to one ASCII letter)
              "ɡoogle.com", "mıcrosoft.com", "ɑpple.com", "paypaı.com"]
SINGLE_SCRIPT = ["müller-bäckerei.example", "kávé.example", "москва.рф", "東京.jp", "παράδειγμα.ελ", "contoso.com",
                 "árvíztűrő-tükörfúrógép.hu", "søren.dk", "straße.de"]


# --- Lookalike domains ----------------------------------------------------------------------------------


@pytest.mark.parametrize("domain", LOOKALIKES)
def test_lookalike_domains_are_refused_in_the_one_place(domain):
    with pytest.raises(LookalikeDomain) as info:
        normalize_domain(domain)
    assert "pass for another domain" in info.value.message
    assert isinstance(info.value, InvalidDomain)


@pytest.mark.parametrize("domain", SINGLE_SCRIPT)
def test_single_script_idn_stays_allowed(domain):
    assert normalize_domain(domain)


def test_wizard_refuses_a_mixed_script_domain_with_a_clear_message(partner, partner_admin):
    response = client_for(partner_admin).post("/customers/add/", {**ACCOUNT, "primary_domain": "соntoso.example"})
    assert response.status_code == 400
    errors = response.context["form"].errors["primary_domain"]
    assert "mixes letters of different scripts (Cyrillic, Latin)" in errors[0]
    assert 'value="соntoso.example"' in response.content.decode()  # what was typed stays


def test_customer_sign_up_refuses_a_whole_script_lookalike(partner, partner_admin):
    _request, raw = invitation_services.invitation_create(partner=partner, actor=partner_admin, include_dap=False)
    response = client_for_anonymous().post(f"/admin-center/partner-request/{raw}/", {
        "company_name": "Apple Fake", "primary_domain": "аррӏе.com", "country": "DE",
        "email": "boss@example.com", "password": "a-Long-passw0rd-here",
    })
    assert response.status_code == 400
    assert "Cyrillic letters that all look like Latin ones" in response.content.decode()
    assert not Tenant.objects.filter(name="Apple Fake").exists()


def client_for_anonymous():  # noqa: ANN201
    from django.test import Client

    return Client()


# --- DAP only when the actor's role may request it --------------------------------------------------


def _through_review(client, account=None):  # noqa: ANN001, ANN202
    assert client.post("/customers/add/", account or ACCOUNT).status_code == 302
    assert client.post("/customers/add/subscriptions/", {}).status_code == 302
    return client.get("/customers/add/review/").content.decode()


def test_sales_agent_adds_a_customer_without_admin_permissions(partner):
    client = client_for(member(partner, Role.SALES_AGENT))
    review = _through_review(client)
    assert "No admin permissions will be granted: your role may not request them." in review
    assert client.post("/customers/add/review/").status_code == 200
    customer = Tenant.objects.get(name="Adatum AG")
    assert not DelegatedAdminPermission.objects.filter(customer=customer).exists()
    assert ActivityLog.objects.filter(tenant=partner, kind=ActivityKind.CUSTOMER_ADDED).exists()
    assert not ActivityLog.objects.filter(kind=ActivityKind.DAP_GRANTED).exists()


@pytest.mark.parametrize("role", [Role.GLOBAL_ADMIN, Role.ADMIN_AGENT])
def test_roles_that_may_request_dap_grant_it_and_the_review_says_so(partner, role):
    client = client_for(member(partner, role))
    review = _through_review(client)
    assert f"Delegated admin permissions for every service will be granted to {partner.name}" in review
    client.post("/customers/add/review/")
    assert DelegatedAdminPermission.objects.filter(customer__name="Adatum AG", partner=partner).count() == 3


# --- Indirect resellers ---------------------------------------------------------------------------------


def test_indirect_reseller_has_no_add_customer_and_is_led_to_the_combined_invitation():
    provider = PartnerFactory(partner_type="indirect_provider")
    reseller = PartnerFactory(partner_type="indirect_reseller")
    IndirectPartnership.objects.create(provider=provider, reseller=reseller)
    admin = member(reseller, Role.GLOBAL_ADMIN)
    client = client_for(admin)
    html = client.get("/customers/").content.decode()
    assert 'href="/customers/add/"' not in html
    assert client.get("/customers/add/").status_code == 403
    assert client.post("/customers/add/", ACCOUNT).status_code == 403
    response = client.get("/customers/request-relationship/")
    assert response.status_code == 302 and response["Location"] == "/providers/invite/"
    assert client.post("/customers/request-relationship/", {}).status_code == 302
    from invitations.errors import NotAllowed
    from invitations.models import RelationshipRequest

    with pytest.raises(NotAllowed):
        invitation_services.invitation_create(partner=reseller, actor=admin, include_dap=False)
    assert not RelationshipRequest.objects.exists()
    from customers.onboarding import NewCustomer, customer_add
    from partnercenter.errors import DomainError

    with pytest.raises(DomainError):
        customer_add(partner=reseller, actor=admin, idempotency_key="k",
                     data=NewCustomer(company_name="X", primary_domain="x-new.example", country="DE"))


def test_direct_partner_and_provider_keep_both(partner, partner_admin):
    html = client_for(partner_admin).get("/customers/").content.decode()
    assert 'href="/customers/add/"' in html and 'href="/customers/request-relationship/"' in html


# --- Wording, one round of errors, one full stop -----------------------------------------------------------


@pytest.mark.parametrize("value", ["-1", "2.5", "abc", "99999", "0"])
def test_every_quantity_message_is_the_products_own(value):
    from partnercenter.forms import quantity_message
    from subscriptions.forms import OrderForm, QuantityForm

    offer = Offer.objects.get(sku="mail-basic")
    expected = quantity_message(offer.min_quantity, offer.max_quantity)
    form = QuantityForm({"quantity": value, "version": "1"}, offer=offer)
    assert form.errors["quantity"] == [expected]
    order = OrderForm({"idempotency_key": "k", f"qty_{offer.id}": value}, offers=[offer], provider=None)
    if value == "0":
        assert order.is_valid()  # 0 means "not this offer" on the order form
    else:
        assert order.errors[f"qty_{offer.id}"] == [expected]


def test_duplicate_domain_comes_with_the_first_round_of_errors(partner, partner_admin):
    TenantFactory(primary_domain="taken.example")
    data = {**ACCOUNT, "primary_domain": "taken.example", "contact_phone": "12", "accepted_on": "2999-01-01"}
    response = client_for(partner_admin).post("/customers/add/", data)
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert {"primary_domain", "contact_phone", "accepted_on"} <= set(errors)
    assert errors["primary_domain"] == ["This domain is already registered to another organisation."]


def test_names_and_hungarian_dates_that_end_a_sentence_keep_one_full_stop(partner, partner_admin):
    from datetime import date

    from django.contrib.messages import get_messages

    from customers.services import reseller_relationship_ensure
    from partnercenter.events import event_record
    from partnercenter.text import sentence
    from subscriptions.services import customer_agreement_record

    customer = TenantFactory(name="Kávé Kft.")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=partner_admin)
    customer_agreement_record(partner=partner, customer=customer, actor=partner_admin, signer_name="Béla",
                              signer_email="bela@example.com", accepted_on=date(2026, 10, 22))
    event_record(tenant=partner, kind=ActivityKind.REQUEST_DECLINED, actor=partner_admin,
                 data={"customer": "Kávé Kft.", "partner": "Fabrikam Kft."})
    partner_admin.language = "hu"
    partner_admin.save()
    client = client_for(partner_admin)
    client.cookies["django_language"] = "hu"
    for url in (f"/customers/{customer.id}/account/", "/activity/", "/customers/"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="hu").content.decode()
        assert "Kft.." not in html and "22.." not in html, url
    # Messages too (the storage keeps one full stop).
    from django.contrib.messages import INFO, add_message
    from django.test import RequestFactory

    from partnercenter.text import MessageStorage

    request = RequestFactory().get("/")
    request.session = client.session
    request._messages = MessageStorage(request)
    add_message(request, INFO, "You declined the request from Fabrikam Kft..")
    assert [str(m) for m in get_messages(request)] == ["You declined the request from Fabrikam Kft."]
    assert sentence("Partnered with Fabrikam Kft..") == "Partnered with Fabrikam Kft."
    assert sentence("Wait... then. Done…") == "Wait... then. Done…"
