"""F5 "Remove reseller relationship" (seed 003): roles and partner types, the confirmation page, the
active-subscription prerequisite, every effect (relationship row kept, DAP ended, support contact,
a provider's associations, no further purchases, activity in both tenants, no email), re-inviting
later, and bad input (missing attestation, stale pages, tampered and foreign ids)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.core import mail

from customers import selectors
from customers.models import (
    CustomerAgreement,
    DelegatedAdminPermission,
    RelationshipStatus,
    ResellerAssociation,
    ResellerRelationship,
)
from customers.services import (
    RelationshipRemovalBlocked,
    dap_grant,
    reseller_association_ensure,
    reseller_relationship_ensure,
    reseller_relationship_remove,
)
from partnercenter.errors import DomainError
from partnercenter.models import ActivityKind, ActivityLog, OutboxEmail
from partnercenter.roles import Perm, Role, permissions_for
from resellers.models import IndirectPartnership
from subscriptions import services as subscription_services
from subscriptions.models import EventKind, Offer, Subscription, SubscriptionEvent, SubscriptionStatus
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = pytest.mark.django_db


def remove_url(customer) -> str:
    return f"/customers/{customer.id}/remove/"


def ready(partner, customer) -> ResellerRelationship:
    relationship, _created = reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    CustomerAgreement.objects.get_or_create(customer=customer, defaults={
        "signer_name": "Eva Kiss", "signer_email": "eva@example.com", "accepted_on": date(2026, 1, 5)})
    return relationship


def buy(partner, customer, actor, sku: str = "mail-basic", *, status: str = SubscriptionStatus.ACTIVE,
        partner_of_record=None) -> Subscription:
    order, _created = subscription_services.order_place(
        partner=partner, customer=customer, actor=actor, idempotency_key=uuid.uuid4().hex,
        lines=[subscription_services.Line(offer_id=Offer.objects.get(sku=sku).id, quantity=3)],
        partner_of_record_id=partner_of_record.id if partner_of_record else None,
    )
    subscription = order.lines.get().subscription
    if status != SubscriptionStatus.ACTIVE:
        Subscription.objects.filter(pk=subscription.pk).update(status=status)
        subscription.refresh_from_db()
    return subscription


def post_data(relationship, *, attest: bool = True) -> dict:
    data = {"relationship": str(relationship.pk)}
    if attest:
        data["attest"] = "on"
    return data


@pytest.fixture
def setup(partner, customer, partner_admin):
    relationship = ready(partner, customer)
    dap_grant(partner=partner, customer=customer, services=["productivity", "infrastructure"], reassign=False,
              actor=None)
    return relationship


# --- Roles and partner types ----------------------------------------------------------------------


def test_permission_table_gives_removal_to_the_three_roles_of_seed_003_only():
    for role in (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT):
        assert Perm.RELATIONSHIP_REMOVE in permissions_for([role], "direct")
        assert Perm.RELATIONSHIP_REMOVE in permissions_for([role], "indirect_provider")
        assert Perm.RELATIONSHIP_REMOVE not in permissions_for([role], "indirect_reseller")
    for role in (Role.HELPDESK_AGENT, Role.BILLING_ADMIN, Role.CUSTOMER_GLOBAL_ADMIN, Role.CUSTOMER_USER):
        assert Perm.RELATIONSHIP_REMOVE not in permissions_for([role], "direct")


@pytest.mark.parametrize("role", [Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT])
def test_allowed_roles_see_the_link_and_the_page(partner, customer, setup, role):
    client = client_for(member(partner, role))
    account = client.get(f"/customers/{customer.id}/account/").content.decode()
    assert "Remove reseller relationship" in account and remove_url(customer) in account
    assert client.get(remove_url(customer)).status_code == 200


@pytest.mark.parametrize("role", [Role.HELPDESK_AGENT, Role.BILLING_ADMIN])
def test_other_roles_get_403_and_no_link(partner, customer, setup, role):
    client = client_for(member(partner, role))
    assert remove_url(customer) not in client.get(f"/customers/{customer.id}/account/").content.decode()
    assert client.get(remove_url(customer)).status_code == 403
    assert client.post(remove_url(customer), post_data(setup)).status_code == 403
    assert ResellerRelationship.objects.get(pk=setup.pk).status == RelationshipStatus.ACTIVE
    with pytest.raises(DomainError) as info:
        reseller_relationship_remove(partner=partner, customer=customer, actor=member(partner, role), attested=True)
    assert info.value.code == "forbidden"


def test_indirect_reseller_neither_sees_nor_posts_it(customer):
    reseller = PartnerFactory(partner_type="indirect_reseller")
    relationship = ready(reseller, customer)
    admin = member(reseller, Role.GLOBAL_ADMIN)
    client = client_for(admin)
    assert remove_url(customer) not in client.get(f"/customers/{customer.id}/account/").content.decode()
    assert client.get(remove_url(customer)).status_code == 403
    assert client.post(remove_url(customer), post_data(relationship)).status_code == 403
    with pytest.raises(DomainError):
        reseller_relationship_remove(partner=reseller, customer=customer, actor=admin, attested=True)
    assert ResellerRelationship.objects.get(pk=relationship.pk).status == RelationshipStatus.ACTIVE


# --- The confirmation page --------------------------------------------------------------------------


def test_confirmation_page_says_what_seed_003_says(partner, customer, partner_admin, setup):
    page = client_for(partner_admin).get(remove_url(customer)).content.decode()
    assert customer.name in page and customer.primary_domain in page
    assert "good faith, for a legitimate business purpose and consistent with your contract" in page
    assert "hold harmless the operator of this portal against third-party claims" in page
    assert "legal notice of the termination" in page
    assert "This tool doesn't send a notification to the customer." in page
    assert 'name="attest"' in page and "I have read and agree to the statement above." in page
    assert ">Remove</button>" in page and ">Cancel</a>" in page and "disabled" not in page
    assert "Productivity suite" in page  # the DAP that ends
    assert "GDAP" not in page  # there is no GDAP yet: the page says nothing about it


def test_active_subscriptions_block_and_are_listed_with_links(partner, customer, partner_admin, setup):
    active = buy(partner, customer, partner_admin, "mail-basic")
    buy(partner, customer, partner_admin, "office-apps", status=SubscriptionStatus.SUSPENDED)
    client = client_for(partner_admin)
    page = client.get(remove_url(customer)).content.decode()
    assert "Active subscriptions stop the removal" in page
    assert f"/customers/{customer.id}/subscriptions/{active.id}/" in page
    assert page.count("/subscriptions/") == 1  # the suspended one does not block
    assert "disabled" in page

    response = client.post(remove_url(customer), post_data(setup))  # a forged submit of the disabled button
    assert response.status_code == 409
    assert "Suspend or cancel the active subscriptions first" in response.content.decode()
    assert ResellerRelationship.objects.get(pk=setup.pk).status == RelationshipStatus.ACTIVE
    assert DelegatedAdminPermission.objects.filter(partner=partner, status="active").count() == 2
    assert not ActivityLog.objects.filter(kind=ActivityKind.RELATIONSHIP_REMOVED).exists()
    with pytest.raises(RelationshipRemovalBlocked) as info:
        reseller_relationship_remove(partner=partner, customer=customer, actor=partner_admin, attested=True)
    assert [s.pk for s in info.value.subscriptions] == [active.pk]


def test_suspended_and_cancelled_subscriptions_do_not_block(partner, customer, partner_admin, setup):
    buy(partner, customer, partner_admin, "mail-basic", status=SubscriptionStatus.SUSPENDED)
    buy(partner, customer, partner_admin, "office-apps", status=SubscriptionStatus.CANCELLED)
    other = PartnerFactory()
    ready(other, customer)
    buy(other, customer, member(other, Role.GLOBAL_ADMIN))  # another partner's active one is not ours
    response = client_for(partner_admin).post(remove_url(customer), post_data(setup))
    assert response.status_code == 302 and response["Location"] == "/customers/"


# --- Effects ----------------------------------------------------------------------------------------


def test_removal_effects_in_one_go(partner, customer, partner_admin, setup):
    suspended = buy(partner, customer, partner_admin, "mail-basic", status=SubscriptionStatus.SUSPENDED)
    other = PartnerFactory()
    ready(other, customer)
    dap_grant(partner=other, customer=customer, services=["business_apps"], reassign=False, actor=None)
    emails_before = OutboxEmail.objects.count()
    mail.outbox.clear()
    client = client_for(partner_admin)

    response = client.post(remove_url(customer), post_data(setup), follow=True)
    assert response.status_code == 200
    assert "was removed" in response.content.decode()

    row = ResellerRelationship.objects.get(pk=setup.pk)  # the row is kept
    assert (row.status, row.removed_by) == (RelationshipStatus.REMOVED, partner_admin) and row.removed_at
    assert not DelegatedAdminPermission.objects.filter(partner=partner, customer=customer, status="active").exists()
    assert DelegatedAdminPermission.objects.filter(partner=other, status="active").count() == 1  # not ours
    assert ResellerRelationship.objects.filter(partner=other, customer=customer, status="active").exists()
    # The customer left the list and the workspace pages.
    assert customer.name not in client.get("/customers/").content.decode()
    assert selectors.customers_page(partner=partner).rows == []
    assert client.get(f"/customers/{customer.id}/account/").status_code == 404
    assert client.get(f"/customers/{customer.id}/subscriptions/add/").status_code == 404
    # Activity in both tenants, DAP's end included; nobody was emailed.
    for tenant in (partner, customer):
        entry = ActivityLog.objects.get(tenant=tenant, kind=ActivityKind.RELATIONSHIP_REMOVED)
        assert entry.actor == partner_admin and entry.data["relationship"] == setup.pk
        assert ActivityLog.objects.filter(tenant=tenant, kind=ActivityKind.DAP_REMOVED).exists()
    assert OutboxEmail.objects.count() == emails_before and mail.outbox == []
    # Support contact: ours ended, nobody takes over (no reseller of record); the page version moved on.
    suspended_after = Subscription.objects.get(pk=suspended.pk)
    assert suspended_after.support_by is None and suspended_after.version == suspended.version + 1
    assert SubscriptionEvent.objects.filter(subscription=suspended, kind=EventKind.SUPPORT_CONTACT).exists()
    # No purchase afterwards, and a suspended subscription cannot come back.
    with pytest.raises(subscription_services.PurchaseRefused):
        buy(partner, customer, partner_admin)
    with pytest.raises(subscription_services.PurchaseRefused):
        subscription_services.subscription_status_change(
            subscription=suspended_after, actor=partner_admin, change=EventKind.REACTIVATED,
            version=suspended_after.version)
    assert Subscription.objects.get(pk=suspended.pk).status == SubscriptionStatus.SUSPENDED


def test_customer_sees_no_support_contact_afterwards(partner, customer, partner_admin, setup):
    buy(partner, customer, partner_admin, status=SubscriptionStatus.SUSPENDED)
    reseller_relationship_remove(partner=partner, customer=customer, actor=partner_admin, attested=True)
    page = client_for(member(customer, Role.CUSTOMER_GLOBAL_ADMIN)).get("/admin-center/subscriptions/")
    assert page.status_code == 200 and "None" in page.content.decode()


def test_provider_removal_ends_its_associations_and_support_falls_back_to_the_reseller_of_record(customer):
    provider = PartnerFactory(partner_type="indirect_provider")
    reseller = PartnerFactory(partner_type="indirect_reseller")
    gone = PartnerFactory(partner_type="indirect_reseller")
    provider_admin = member(provider, Role.ADMIN_AGENT)
    for r in (reseller, gone):
        IndirectPartnership.objects.create(provider=provider, reseller=r)
    relationship = ready(provider, customer)
    ready(reseller, customer)  # the reseller still serves the customer itself
    reseller_association_ensure(customer=customer, reseller=reseller, provider=provider, actor=None)
    served = buy(provider, customer, provider_admin, "mail-basic", status=SubscriptionStatus.SUSPENDED,
                 partner_of_record=reseller)
    unserved = buy(provider, customer, provider_admin, "office-apps", status=SubscriptionStatus.CANCELLED,
                   partner_of_record=gone)  # partnered, but has no relationship with the customer

    response = client_for(provider_admin).post(remove_url(customer), post_data(relationship))
    assert response.status_code == 302

    assert not ResellerAssociation.objects.filter(customer=customer, status="active").exists()
    assert ResellerRelationship.objects.filter(partner=reseller, customer=customer, status="active").exists()
    for tenant in (provider, reseller, customer):
        assert ActivityLog.objects.filter(tenant=tenant, kind=ActivityKind.ASSOCIATION_REMOVED).exists()
    assert Subscription.objects.get(pk=served.pk).support_by == reseller
    assert Subscription.objects.get(pk=unserved.pk).support_by is None
    # The reseller's customers list still shows the customer; the provider's does not.
    assert [r.customer_id for r in selectors.customers_page(partner=reseller).rows] == [customer.id]
    assert selectors.customers_page(partner=provider).rows == []


def test_choosing_a_support_contact_again_clears_none(partner, customer, partner_admin, setup):
    subscription = buy(partner, customer, partner_admin, status=SubscriptionStatus.SUSPENDED)
    reseller_relationship_remove(partner=partner, customer=customer, actor=partner_admin, attested=True)
    ready(partner, customer)  # invited again later
    subscription.refresh_from_db()
    subscription = subscription_services.subscription_support_contact_set(
        subscription=subscription, actor=partner_admin, contact_id=None, version=subscription.version)
    assert subscription.support_by == partner and not subscription.no_support_contact


def test_invited_again_later_gives_a_new_relationship_and_history(partner, customer, partner_admin, setup):
    from invitations import services as invitation_services

    reseller_relationship_remove(partner=partner, customer=customer, actor=partner_admin, attested=True)
    _request, raw = invitation_services.invitation_create(partner=partner, actor=partner_admin, include_dap=True)
    acceptance = invitation_services.invitation_accept(raw_token=raw, user=member(customer, Role.CUSTOMER_GLOBAL_ADMIN),
                                                       customer=customer)
    invitation_services.acceptance_process(acceptance_id=str(acceptance.id))  # what the worker does
    acceptance.refresh_from_db()
    assert acceptance.status == "succeeded", acceptance.result_code
    rows = list(ResellerRelationship.objects.filter(partner=partner, customer=customer).order_by("id"))
    assert [r.status for r in rows] == ["removed", "active"] and rows[0].pk == setup.pk
    assert [r.customer_id for r in selectors.customers_page(partner=partner).rows] == [customer.id]
    assert DelegatedAdminPermission.objects.filter(partner=partner, customer=customer, status="active").exists()


# --- Bad input --------------------------------------------------------------------------------------


def test_missing_attestation_is_a_message_beside_the_checkbox_and_nothing_changes(partner, customer, partner_admin,
                                                                                  setup):
    response = client_for(partner_admin).post(remove_url(customer), post_data(setup, attest=False))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Agree to the statement to remove the relationship." in page
    assert 'id="error_1_id_attest"' in page or "invalid-feedback" in page
    assert ResellerRelationship.objects.get(pk=setup.pk).status == RelationshipStatus.ACTIVE
    assert DelegatedAdminPermission.objects.filter(partner=partner, status="active").count() == 2
    with pytest.raises(DomainError) as info:
        reseller_relationship_remove(partner=partner, customer=customer, actor=partner_admin, attested=False)
    assert info.value.field == "attest"


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", "9" * 30, "<script>", "1 OR 1=1"])
def test_tampered_relationship_field_is_400_and_nothing_changes(partner, customer, partner_admin, setup, value):
    response = client_for(partner_admin).post(remove_url(customer), {"attest": "on", "relationship": value})
    assert response.status_code == 400
    assert "This page is out of date." in response.content.decode()
    assert ResellerRelationship.objects.get(pk=setup.pk).status == RelationshipStatus.ACTIVE


def test_stale_page_after_removal_says_so(partner, customer, partner_admin, setup):
    client = client_for(partner_admin)
    assert client.post(remove_url(customer), post_data(setup)).status_code == 302
    again = client.post(remove_url(customer), post_data(setup), follow=True)
    assert again.status_code == 200 and "was removed already" in again.content.decode()
    assert client.get(remove_url(customer)).status_code == 302
    assert ActivityLog.objects.filter(tenant=partner, kind=ActivityKind.RELATIONSHIP_REMOVED).count() == 1


def test_stale_page_does_not_end_a_newer_relationship(partner, customer, partner_admin, setup):
    reseller_relationship_remove(partner=partner, customer=customer, actor=partner_admin, attested=True)
    newer = ready(partner, customer)  # the customer accepted a new request meanwhile
    response = client_for(partner_admin).post(remove_url(customer), post_data(setup), follow=True)
    assert "was removed already" in response.content.decode()
    assert ResellerRelationship.objects.get(pk=newer.pk).status == RelationshipStatus.ACTIVE


def test_subscription_active_since_the_page_was_loaded(partner, customer, partner_admin, setup):
    suspended = buy(partner, customer, partner_admin, status=SubscriptionStatus.SUSPENDED)
    client = client_for(partner_admin)
    assert "disabled" not in client.get(remove_url(customer)).content.decode()
    subscription_services.subscription_status_change(subscription=suspended, actor=partner_admin,
                                                     change=EventKind.REACTIVATED, version=suspended.version)
    response = client.post(remove_url(customer), post_data(setup))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Suspend or cancel the active subscriptions first" in page and str(suspended.id) in page
    assert ResellerRelationship.objects.get(pk=setup.pk).status == RelationshipStatus.ACTIVE


def test_another_tenants_customer_is_404(partner, customer, partner_admin, setup):
    stranger = TenantFactory()
    ready(PartnerFactory(), stranger)
    client = client_for(partner_admin)
    for url in (remove_url(stranger), f"/customers/{uuid.uuid4()}/remove/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"attest": "on", "relationship": str(setup.pk)}).status_code == 404
    intruder = client_for(member(PartnerFactory(), Role.GLOBAL_ADMIN))
    assert intruder.get(remove_url(customer)).status_code == 404
    assert intruder.post(remove_url(customer), post_data(setup)).status_code == 404
    assert ResellerRelationship.objects.get(pk=setup.pk).status == RelationshipStatus.ACTIVE
    assert client_for(member(customer, Role.CUSTOMER_GLOBAL_ADMIN)).get(remove_url(customer)).status_code == 404


def test_other_partners_relationship_id_in_the_form_is_refused(partner, customer, partner_admin, setup):
    other = PartnerFactory()
    foreign = ready(other, customer)
    response = client_for(partner_admin).post(remove_url(customer), post_data(foreign), follow=True)
    assert "was removed already" in response.content.decode()
    assert ResellerRelationship.objects.get(pk=foreign.pk).status == RelationshipStatus.ACTIVE
    assert ResellerRelationship.objects.get(pk=setup.pk).status == RelationshipStatus.ACTIVE


def test_both_activity_logs_read_the_removal(partner, customer, partner_admin, setup):
    reseller_relationship_remove(partner=partner, customer=customer, actor=partner_admin, attested=True)
    sentence = "Contoso Cloud GmbH removed its reseller relationship with Adatum AG."
    assert sentence in client_for(partner_admin).get("/activity/").content.decode()
    customer_page = client_for(member(customer, Role.CUSTOMER_GLOBAL_ADMIN)).get("/admin-center/activity/")
    assert sentence in customer_page.content.decode()
    assert "Delegated admin permissions for Productivity suite" in customer_page.content.decode()


def test_removed_partner_leaves_the_customers_admin_center(partner, customer, partner_admin, setup):
    page = client_for(member(customer, Role.CUSTOMER_GLOBAL_ADMIN))
    assert partner.name in page.get("/admin-center/").content.decode()
    reseller_relationship_remove(partner=partner, customer=customer, actor=partner_admin, attested=True)
    assert partner.name not in page.get("/admin-center/").content.decode()
