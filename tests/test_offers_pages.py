"""F12 advisor offers, the pages: the partner's lists and forms (bad input: a clear message beside the
field, the input kept, nothing half-saved), the customer's page in the Admin center, 404 across tenants,
410 for a deactivated offer."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from customers.models import ResellerRelationship
from links.kinds import link_path
from offers import services
from offers.models import AdvisorOffer, OfferAcceptance, OfferKind
from partnercenter.roles import Role
from subscriptions.models import Offer, Subscription
from subscriptions.services import Line
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db

TRIALS = "/advisor-offers/trial-invitations/"
PURCHASES = "/advisor-offers/purchase-offers/"
DAPS = "/advisor-offers/delegated-administration-offers/"


def sku(value: str) -> Offer:
    return Offer.objects.get(sku=value)


def make_trial(partner, actor, include_dap=False):
    return services.advisor_offer_create(partner=partner, actor=actor, offer_kind=OfferKind.TRIAL,
                                         lines=[Line(sku("office-premium-trial").id, 1)], include_dap=include_dap)


def test_nav_and_lists_for_sales_agent_not_for_helpdesk(partner):
    sales = client_for(member(partner, Role.SALES_AGENT))
    html = sales.get("/customers/").content.decode()
    assert "Trial invitations" in html and "Purchase offers" in html and "Delegated administration offers" in html
    for url in (TRIALS, PURCHASES, DAPS, TRIALS + "new/", PURCHASES + "new/", DAPS + "new/"):
        assert sales.get(url).status_code == 200, url
    helpdesk = client_for(member(partner, Role.HELPDESK_AGENT))
    assert "Trial invitations" not in helpdesk.get("/customers/").content.decode()
    assert helpdesk.get(TRIALS).status_code == 403
    assert helpdesk.post(TRIALS + "new/", {"trial_offer": sku("crm-trial").id}).status_code == 403
    assert not AdvisorOffer.objects.exists()


def test_create_trial_shows_the_url_once_and_lists_it(partner, partner_admin):
    client = client_for(partner_admin)
    response = client.post(TRIALS + "new/", {"trial_offer": sku("crm-trial").id, "include_dap": "on"}, follow=True)
    offer = AdvisorOffer.objects.get()
    html = response.content.decode()
    assert response.status_code == 200 and "/admin-center/offer/" in html and offer.token_last4 in html
    assert offer.include_dap and offer.lines.get().offer.sku == "crm-trial"
    assert "/admin-center/offer/" not in client.get(f"/advisor-offers/{offer.pk}/").content.decode()
    listing = client.get(TRIALS).content.decode()
    assert f"…{offer.token_last4}" in listing and "CRM Sales Trial" in listing


@pytest.mark.parametrize("value", ["", "abc", "999999", "<script>alert(1)</script>", "1" * 5000])
def test_trial_bad_input_is_beside_the_field(partner, partner_admin, value):
    response = client_for(partner_admin).post(TRIALS + "new/", {"trial_offer": value, "include_dap": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_trial_offer"' in html and "is-invalid" in html
    assert re.search(r'<input[^>]*name="include_dap"[^>]*checked', html)  # the ticked box stays ticked
    assert "<script>alert(1)</script>" not in html
    assert not AdvisorOffer.objects.exists()


def test_a_paid_offer_is_no_trial(partner, partner_admin):
    response = client_for(partner_admin).post(TRIALS + "new/", {"trial_offer": sku("mail-basic").id})
    assert response.status_code == 400 and not AdvisorOffer.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("crm-sales", "2"), ("mail-basic", "-1"), ("mail-basic", "x"),
                                              ("mail-basic", "99999999999")])
def test_purchase_bad_counts_keep_the_input(partner, partner_admin, field, value):
    mail, crm = sku("mail-basic"), sku("crm-sales")
    data = {f"qty_{mail.id}": "7", f"qty_{crm.id}": ""}
    data[f"qty_{sku(field).id}"] = value
    response = client_for(partner_admin).post(PURCHASES + "new/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert f'name="qty_{sku(field).id}"' in html and ("is-invalid" in html or "alert-danger" in html)
    assert f'value="{value}"' in html or value == "x"  # a number input does not echo text
    assert not AdvisorOffer.objects.exists()


def test_purchase_without_counts_is_refused(partner, partner_admin):
    response = client_for(partner_admin).post(PURCHASES + "new/", {})
    assert response.status_code == 400 and "Enter a license count" in response.content.decode()
    assert not AdvisorOffer.objects.exists()


def test_send_new_offer_starts_from_a_copy(partner, partner_admin):
    first, _raw = services.advisor_offer_create(partner=partner, actor=partner_admin, offer_kind=OfferKind.PURCHASE,
                                                lines=[Line(sku("mail-basic").id, 10)], include_dap=False)
    client = client_for(partner_admin)
    page = client.get(f"{PURCHASES}new/?from={first.pk}").content.decode()
    assert f'name="qty_{sku("mail-basic").id}" value="10"' in page
    client.post(f"{PURCHASES}new/?from={first.pk}", {"from": first.pk, f"qty_{sku('mail-basic').id}": "15"})
    second = AdvisorOffer.objects.exclude(pk=first.pk).get()
    assert second.copied_from_id == first.pk and second.lines.get().quantity == 15


def test_another_tenants_offer_or_acceptance_is_404_on_every_route(partner, partner_admin, customer, customer_admin):
    """The cross-tenant check of tests/test_url_sweep.py OFFER_ROUTES."""
    from tests.test_url_sweep import OFFER_ROUTES

    offer, raw = make_trial(partner, partner_admin)
    acceptance = services.offer_accept(raw_token=raw, user=customer_admin, customer=customer)
    urls = {route: "/" + route.replace("<int:offer_id>", str(offer.pk))
            .replace("<uuid:acceptance_id>", str(acceptance.id)) for route in OFFER_ROUTES}
    assert set(urls) == {"advisor-offers/<int:offer_id>/", "advisor-offers/<int:offer_id>/new-url/",
                         "advisor-offers/<int:offer_id>/deactivate/",
                         "admin-center/offer-acceptances/<uuid:acceptance_id>/"}
    other_partner = PartnerFactory()
    intruders = [member(other_partner, Role.GLOBAL_ADMIN), member(TenantFactory(), Role.CUSTOMER_GLOBAL_ADMIN)]
    for intruder in intruders:
        client = client_for(intruder)
        for url in urls.values():
            assert client.get(url).status_code == 404, url
            assert client.post(url).status_code == 404, url
    # "Send new offer" from another partner's offer id is a 404 too.
    assert client_for(intruders[0]).get(f"{PURCHASES}new/?from={offer.pk}").status_code == 404
    offer.refresh_from_db()
    assert offer.status == "pending" and offer.token_last4 == raw[-4:]


def test_customer_accepts_on_the_admin_center_page(partner, partner_admin, customer, customer_admin,
                                                  django_capture_on_commit_callbacks):
    offer, raw = services.advisor_offer_create(partner=partner, actor=partner_admin, offer_kind=OfferKind.PURCHASE,
                                               lines=[Line(sku("mail-basic").id, 10)], include_dap=True)
    client = client_for(customer_admin)
    url = link_path("advisor_offer", raw)
    page = client.get(url).content.decode()
    assert "Contoso Cloud GmbH" in page and "MPN ID" in page and "Business Mail Basic" in page
    assert "delegated administration" in page
    with django_capture_on_commit_callbacks(execute=True):  # the queued task runs (eagerly in tests)
        response = client.post(url + "accept/", {f"qty_{sku('mail-basic').id}": "12"})
    acceptance = OfferAcceptance.objects.get()
    assert response.status_code == 302 and str(acceptance.id) in response["Location"]
    result = client.get(response["Location"]).content.decode()
    assert "Contoso Cloud GmbH is now your advisor" in result
    assert Subscription.objects.get(customer=customer).quantity == 12
    assert ResellerRelationship.objects.get(customer=customer).role == "advisor"
    assert not acceptance.include_dap  # the box was not ticked
    offer.refresh_from_db()
    assert (offer.opened_count, offer.acceptance_count) == (1, 1)
    listing = client_for(partner_admin).get("/customers/").content.decode()
    assert "Advisor" in listing


def test_customer_bad_count_is_beside_the_field_and_nothing_is_saved(partner, partner_admin, customer,
                                                                     customer_admin):
    _offer, raw = services.advisor_offer_create(partner=partner, actor=partner_admin, offer_kind=OfferKind.PURCHASE,
                                                lines=[Line(sku("crm-sales").id, 10)], include_dap=False)
    response = client_for(customer_admin).post(link_path("advisor_offer", raw) + "accept/",
                                               {f"qty_{sku('crm-sales').id}": "3"})
    html = response.content.decode()
    assert response.status_code == 400 and "Enter a quantity from 5 to 1000" in html and 'value="3"' in html
    assert not OfferAcceptance.objects.exists() and not ResellerRelationship.objects.exists()


def test_deactivated_offer_answers_410_with_a_clear_page(partner, partner_admin, customer_admin):
    offer, raw = make_trial(partner, partner_admin)
    client = client_for(partner_admin)
    assert client.get(f"/advisor-offers/{offer.pk}/deactivate/").status_code == 200
    client.post(f"/advisor-offers/{offer.pk}/deactivate/")
    offer.refresh_from_db()
    assert offer.status == "revoked"
    for visitor in (client_for(customer_admin), client_for(member(TenantFactory(), Role.CUSTOMER_GLOBAL_ADMIN))):
        response = visitor.get(link_path("advisor_offer", raw))
        assert response.status_code == 410 and "deactivated this offer" in response.content.decode()
        assert visitor.post(link_path("advisor_offer", raw) + "accept/").status_code == 410
    assert not OfferAcceptance.objects.exists()


def test_unknown_code_is_the_not_found_page(client, clear_cache):
    assert client.get("/admin-center/offer/" + "x" * 43 + "/").status_code == 404


def test_signed_out_visitor_sees_sign_in_and_sign_up(partner, partner_admin, client, clear_cache):
    _offer, raw = make_trial(partner, partner_admin)
    html = client.get(link_path("advisor_offer", raw)).content.decode()
    assert "Sign in" in html and "Create organisation" in html
    response = client.post(link_path("advisor_offer", raw), {"company_name": "", "primary_domain": "x",
                                                              "country": "DE", "email": "bad", "password": "x"})
    assert response.status_code == 400 and "is-invalid" in response.content.decode()


def test_the_sign_up_mails_of_an_offer_speak_of_the_offer_not_of_a_relationship_request(
        partner, partner_admin, clear_cache, django_capture_on_commit_callbacks):  # noqa: ANN001
    from django.core import mail

    from tests.test_security_links import SIGNUP

    _offer, raw = make_trial(partner, partner_admin)
    url = link_path("advisor_offer", raw)
    existing = member(TenantFactory(primary_domain="taken.example"), Role.CUSTOMER_GLOBAL_ADMIN,
                      email="owner@taken.example")
    for data in ({**SIGNUP}, {**SIGNUP, "email": existing.email, "primary_domain": "fresh.example"}):
        with django_capture_on_commit_callbacks(execute=True):
            assert Client().post(url, data).status_code == 200
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert f"offer of {partner.name}" in message.subject + message.body
        assert "relationship request" not in message.subject + message.body
        assert url in message.body
    assert "open the offer again to accept it" in mail.outbox[1].body
