"""F12 advisor offers: services and rules — roles, reuse counts, deactivate, DAP only when agreed, a trial
holds exactly one offer, counts the customer changes, the rules of F4, idempotent acceptance."""

from __future__ import annotations

import pytest

from customers.models import DelegatedAdminPermission, RelationshipRole, RelationshipStatus, ResellerRelationship
from customers.services import dap_grant, reseller_relationship_ensure
from invitations import services as invitation_services
from invitations.errors import NotAllowed, RequestAlreadyAnswered
from invitations.models import DapChoice
from invitations.services.checks import acceptance_blockers
from offers import services
from offers.models import AdvisorOffer, OfferAcceptance, OfferAcceptanceStatus, OfferKind
from partnercenter.errors import Code, DomainError, Forbidden, Invalid
from partnercenter.models import ActivityLog, Cloud, OutboxEmail
from partnercenter.roles import Role
from subscriptions.models import Offer, Subscription
from subscriptions.services import Line
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db


def sku(value: str) -> Offer:
    return Offer.objects.get(sku=value)


def trial(partner, actor, *, include_dap=False, offer="office-premium-trial"):
    return services.advisor_offer_create(partner=partner, actor=actor, offer_kind=OfferKind.TRIAL,
                                         lines=[Line(sku(offer).id, 1)], include_dap=include_dap)


def purchase(partner, actor, *, include_dap=False, **counts):
    lines = [Line(sku(name.replace("_", "-")).id, n) for name, n in counts.items()]
    return services.advisor_offer_create(partner=partner, actor=actor, offer_kind=OfferKind.PURCHASE, lines=lines,
                                         include_dap=include_dap)


def accept(raw, user, customer, **kwargs):
    """Accept, then run the queued processing the way the task does."""
    acceptance = services.offer_accept(raw_token=raw, user=user, customer=customer, **kwargs)
    assert services.offer_acceptance_process(acceptance_id=str(acceptance.id)) in ("succeeded", "failed")
    acceptance.refresh_from_db()
    return acceptance


# --- Roles ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.GLOBAL_ADMIN, True), (Role.ADMIN_AGENT, True), (Role.SALES_AGENT, True),
    (Role.HELPDESK_AGENT, False), (Role.BILLING_ADMIN, False),
])
def test_roles_matrix(partner, role, allowed):
    user = member(partner, role)
    if allowed:
        offer, _raw = trial(partner, user)
        services.advisor_offer_deactivate(offer=offer, actor=user)
        assert AdvisorOffer.objects.get(pk=offer.pk).status == "revoked"
    else:
        with pytest.raises(Forbidden):
            trial(partner, user)
        assert not AdvisorOffer.objects.exists()


def test_a_customer_tenant_creates_no_offers(customer, customer_admin):
    with pytest.raises(Forbidden):
        trial(customer, customer_admin)


# --- Creating -----------------------------------------------------------------------------------------


def test_trial_invitation_holds_exactly_one_trial_offer(partner, partner_admin):
    offer, raw = trial(partner, partner_admin)
    assert [(line.offer.sku, line.quantity) for line in offer.lines.all()] == [
        ("office-premium-trial", sku("office-premium-trial").max_quantity)]
    assert offer.email == "" and raw[-4:] == offer.token_last4 and raw not in offer.token_digest
    for lines in ([], [Line(sku("office-premium-trial").id, 1), Line(sku("crm-trial").id, 1)]):
        with pytest.raises(Invalid) as exc:
            services.advisor_offer_create(partner=partner, actor=partner_admin, offer_kind=OfferKind.TRIAL,
                                          lines=lines, include_dap=False)
        assert exc.value.field == "trial_offer"
    with pytest.raises(Invalid):  # a paid offer is no trial
        trial(partner, partner_admin, offer="mail-basic")
    assert AdvisorOffer.objects.count() == 1


def test_purchase_offer_checks_counts_against_the_catalog(partner, partner_admin):
    offer, _raw = purchase(partner, partner_admin, mail_basic=10, crm_sales=5)
    assert sorted((line.offer.sku, line.quantity) for line in offer.lines.all()) == [("crm-sales", 5), ("mail-basic", 10)]
    with pytest.raises(Invalid) as exc:
        purchase(partner, partner_admin, crm_sales=2)  # the CRM offer starts at 5 licenses
    assert exc.value.line_errors  # type: ignore[attr-defined]
    with pytest.raises(Invalid):
        purchase(partner, partner_admin)
    with pytest.raises(Invalid):  # trials are not sold in a purchase offer
        purchase(partner, partner_admin, security_trial=1)
    assert AdvisorOffer.objects.count() == 1


def test_send_new_offer_copies_only_own_offers(partner, partner_admin):
    first, _raw = purchase(partner, partner_admin, mail_basic=10)
    second, _raw = services.advisor_offer_create(partner=partner, actor=partner_admin, offer_kind=OfferKind.PURCHASE,
                                                 lines=[Line(sku("mail-basic").id, 12)], include_dap=False,
                                                 copied_from=first)
    assert second.copied_from_id == first.pk and first.lines.get().quantity == 10
    other = PartnerFactory()
    with pytest.raises(Invalid):
        services.advisor_offer_create(partner=other, actor=member(other), offer_kind=OfferKind.PURCHASE,
                                      lines=[Line(sku("mail-basic").id, 1)], include_dap=False, copied_from=first)


def test_no_delegated_administration_in_us_government_cloud(db):
    gov = PartnerFactory(cloud=Cloud.USGOV, country="US")
    admin = member(gov)
    with pytest.raises(Invalid) as exc:
        services.advisor_offer_create(partner=gov, actor=admin, offer_kind=OfferKind.DAP, lines=[], include_dap=True)
    assert exc.value.field == "include_dap"
    assert not AdvisorOffer.objects.exists()


# --- Accepting --------------------------------------------------------------------------------------


def test_trial_acceptance_records_the_partner_as_advisor(partner, partner_admin, customer, customer_admin):
    _offer, raw = trial(partner, partner_admin)
    acceptance = accept(raw, customer_admin, customer)
    assert acceptance.status == OfferAcceptanceStatus.SUCCEEDED
    rel = ResellerRelationship.objects.get(partner=partner, customer=customer, status=RelationshipStatus.ACTIVE)
    assert rel.role == RelationshipRole.ADVISOR
    sub = Subscription.objects.get(customer=customer)
    assert sub.offer.sku == "office-premium-trial" and sub.partner == partner
    assert not DelegatedAdminPermission.objects.filter(customer=customer).exists()
    assert ActivityLog.objects.filter(tenant=partner, kind="offer.accepted").exists()
    assert OutboxEmail.objects.filter(to_email=partner_admin.email, kind="offer_accepted").exists()


def test_reusable_counts_uses(partner, partner_admin):
    offer, raw = trial(partner, partner_admin)
    for _n in range(3):
        customer = TenantFactory(country="AT")
        accept(raw, member(customer, Role.CUSTOMER_GLOBAL_ADMIN), customer)
    services.advisor_offer_opened(offer=offer)
    offer.refresh_from_db()
    assert (offer.acceptance_count, offer.opened_count, offer.status) == (3, 1, "pending")


def test_dap_only_when_the_customer_agreed(partner, partner_admin, customer, customer_admin):
    _offer, raw = trial(partner, partner_admin, include_dap=True)
    accept(raw, customer_admin, customer, include_dap=False)
    assert not DelegatedAdminPermission.objects.filter(customer=customer).exists()
    other = TenantFactory()
    accept(raw, member(other, Role.CUSTOMER_GLOBAL_ADMIN), other, include_dap=True)
    assert DelegatedAdminPermission.objects.filter(customer=other, partner=partner, status="active").count() == 3


def test_agreeing_to_dap_that_was_not_offered_grants_none(partner, partner_admin, customer, customer_admin):
    _offer, raw = trial(partner, partner_admin, include_dap=False)
    acceptance = accept(raw, customer_admin, customer, include_dap=True)
    assert acceptance.include_dap is False
    assert not DelegatedAdminPermission.objects.filter(customer=customer).exists()


def test_dap_offer_needs_the_agreement_and_creates_no_subscription(partner, partner_admin, customer, customer_admin):
    _offer, raw = services.advisor_offer_create(partner=partner, actor=partner_admin, offer_kind=OfferKind.DAP,
                                                lines=[], include_dap=False)
    with pytest.raises(Invalid) as exc:
        services.offer_accept(raw_token=raw, user=customer_admin, customer=customer, include_dap=False)
    assert exc.value.field == "include_dap" and not OfferAcceptance.objects.exists()
    acceptance = accept(raw, customer_admin, customer, include_dap=True)
    assert acceptance.status == OfferAcceptanceStatus.SUCCEEDED
    assert not Subscription.objects.filter(customer=customer).exists()
    assert DelegatedAdminPermission.objects.filter(customer=customer, partner=partner).count() == 3


def test_customer_changes_the_counts(partner, partner_admin, customer, customer_admin):
    offer, raw = purchase(partner, partner_admin, mail_basic=10, crm_sales=5)
    mail, crm = sku("mail-basic"), sku("crm-sales")
    with pytest.raises(Invalid) as exc:
        services.offer_accept(raw_token=raw, user=customer_admin, customer=customer, quantities={crm.id: 3})
    assert crm.id in exc.value.line_errors  # type: ignore[attr-defined]
    assert not OfferAcceptance.objects.exists()
    accept(raw, customer_admin, customer, quantities={mail.id: 25, crm.id: 0})
    assert [(s.offer.sku, s.quantity) for s in Subscription.objects.filter(customer=customer)] == [("mail-basic", 25)]
    assert offer.lines.get(offer=mail).quantity == 10  # the offer stays as the partner made it


def test_multichannel_choice(partner, partner_admin, customer, customer_admin):
    holder = PartnerFactory()
    reseller_relationship_ensure(partner=holder, customer=customer, actor=None)
    dap_grant(partner=holder, customer=customer, services=["productivity"], reassign=False, actor=None)
    _offer, raw = trial(partner, partner_admin, include_dap=True)
    with pytest.raises(Invalid) as exc:
        services.offer_accept(raw_token=raw, user=customer_admin, customer=customer, include_dap=True)
    assert exc.value.field == "dap_choice"
    accept(raw, customer_admin, customer, include_dap=True, dap_choice=DapChoice.KEEP)
    holders = dict(DelegatedAdminPermission.objects.filter(customer=customer, status="active")
                   .values_list("service", "partner_id"))
    assert holders["productivity"] == holder.id and holders["business_apps"] == partner.id


@pytest.mark.parametrize(("country", "cloud", "code"), [("US", Cloud.PUBLIC, "region"), ("DE", Cloud.USGOV, "cloud")])
def test_region_and_cloud_rules_of_f4(partner, partner_admin, country, cloud, code):
    _offer, raw = trial(partner, partner_admin)
    customer = TenantFactory(country=country, cloud=cloud)
    with pytest.raises(DomainError) as exc:
        services.offer_accept(raw_token=raw, user=member(customer, Role.CUSTOMER_GLOBAL_ADMIN), customer=customer)
    assert exc.value.code == {"region": Code.REGION_MISMATCH, "cloud": Code.CLOUD_MISMATCH}[code]
    assert not OfferAcceptance.objects.exists() and not ResellerRelationship.objects.exists()


def test_rules_are_checked_again_at_processing(partner, partner_admin, customer, customer_admin):
    _offer, raw = trial(partner, partner_admin)
    acceptance = services.offer_accept(raw_token=raw, user=customer_admin, customer=customer)
    customer.country = "US"
    customer.save()
    assert services.offer_acceptance_process(acceptance_id=str(acceptance.id)) == "failed"
    acceptance.refresh_from_db()
    assert acceptance.result_code == "region" and "Contoso Cloud GmbH" in acceptance.result_text
    assert not ResellerRelationship.objects.exists() and not Subscription.objects.exists()


def test_only_a_customer_global_admin_accepts(partner, partner_admin, customer):
    _offer, raw = trial(partner, partner_admin)
    with pytest.raises(NotAllowed):
        services.offer_accept(raw_token=raw, user=member(customer, Role.CUSTOMER_USER), customer=customer)


def test_acceptance_is_idempotent(partner, partner_admin, customer, customer_admin):
    offer, raw = trial(partner, partner_admin)
    acceptance = accept(raw, customer_admin, customer)
    assert services.offer_acceptance_process(acceptance_id=str(acceptance.id)) == "done-already"
    with pytest.raises(RequestAlreadyAnswered) as exc:
        services.offer_accept(raw_token=raw, user=customer_admin, customer=customer)
    assert exc.value.acceptance_id == acceptance.id
    assert Subscription.objects.filter(customer=customer).count() == 1
    assert ResellerRelationship.objects.filter(customer=customer).count() == 1
    offer.refresh_from_db()
    assert offer.acceptance_count == 1


def test_deactivated_offer_is_refused_now_and_at_processing(partner, partner_admin, customer, customer_admin):
    offer, raw = trial(partner, partner_admin)
    queued = services.offer_accept(raw_token=raw, user=customer_admin, customer=customer)
    services.advisor_offer_deactivate(offer=offer, actor=partner_admin)
    assert services.offer_acceptance_process(acceptance_id=str(queued.id)) == "failed"
    queued.refresh_from_db()
    assert queued.result_code == "deactivated" and "deactivated" in queued.result_text
    other = TenantFactory()
    with pytest.raises(DomainError) as exc:
        services.offer_accept(raw_token=raw, user=member(other, Role.CUSTOMER_GLOBAL_ADMIN), customer=other)
    assert exc.value.status == 410
    assert not Subscription.objects.exists()


def test_new_url_stops_the_old_one(partner, partner_admin, customer, customer_admin):
    offer, raw = trial(partner, partner_admin)
    new_raw = services.advisor_offer_reissue(offer=offer, actor=partner_admin)
    assert services.offer_by_code(raw) is None and services.offer_by_code(new_raw).pk == offer.pk


# --- Advisor rows are not reseller relationships ------------------------------------------------


def test_an_advisor_may_still_become_the_reseller(partner, partner_admin, customer, customer_admin):
    _offer, raw = trial(partner, partner_admin)
    accept(raw, customer_admin, customer)
    request, _raw = invitation_services.invitation_create(partner=partner, actor=partner_admin, include_dap=False)
    assert [b.code for b in acceptance_blockers(request=request, customer=customer)] == []
    rel, changed = reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    assert changed and rel.role == RelationshipRole.RESELLER
    assert ResellerRelationship.objects.filter(customer=customer, status="active").count() == 1


def test_an_advisor_offer_never_demotes_a_reseller(partner, partner_admin, customer, customer_admin):
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    _offer, raw = trial(partner, partner_admin)
    accept(raw, customer_admin, customer)
    assert ResellerRelationship.objects.get(customer=customer).role == RelationshipRole.RESELLER


def test_customers_list_says_advisor(partner, partner_admin, customer, customer_admin):
    import csv
    import io

    from customers.selectors import customer_for_partner, relationship_label

    _offer, raw = trial(partner, partner_admin)
    accept(raw, customer_admin, customer)
    assert relationship_label(customer_for_partner(partner=partner, customer_id=customer.id)) == "Advisor"
    response = client_for(partner_admin).get("/customers/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[3] for row in rows[1:]] == ["Advisor"]


def test_the_ensure_retry_does_not_recurse(partner, customer, monkeypatch):
    from django.db import IntegrityError

    def broken(**kwargs):
        raise IntegrityError("always")

    monkeypatch.setattr(ResellerRelationship.objects, "create", broken)
    with pytest.raises(IntegrityError):
        reseller_relationship_ensure(partner=partner, customer=customer, actor=None)


def test_an_advisor_does_not_buy_on_the_customers_behalf(partner, partner_admin, customer, customer_admin):
    from subscriptions.services import purchase_blockers

    _offer, raw = trial(partner, partner_admin)
    accept(raw, customer_admin, customer)
    assert "There is no active reseller relationship with this customer." in [
        str(text) for text in purchase_blockers(partner=partner, customer=customer)]
