"""F5 under concurrency on real PostgreSQL, threads released together by a barrier: removal racing an
order, removal racing the acceptance of a new relationship request, and two removals at once. Each
gives one consistent outcome (one of the two orders of events, never a mix) and never a 500."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date

import pytest
from django.test import Client

from customers.models import CustomerAgreement, DelegatedAdminPermission, RelationshipStatus, ResellerRelationship
from customers.services import RelationshipRemovalBlocked, reseller_relationship_ensure, reseller_relationship_remove
from invitations import services as invitation_services
from invitations.models import Acceptance
from partnercenter.errors import DomainError
from partnercenter.models import ActivityKind, ActivityLog
from partnercenter.roles import Role
from subscriptions import services as subscription_services
from subscriptions.models import Offer, Subscription, SubscriptionStatus
from tests.concurrency import outcomes, race, require_postgres
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROUNDS = range(4)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pair():
    require_postgres()
    partner = PartnerFactory(country="DE")
    customer = TenantFactory(country="DE")
    relationship, _created = reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    CustomerAgreement.objects.create(customer=customer, signer_name="Eva Kiss", signer_email="eva@example.com",
                                     accepted_on=date(2026, 1, 5))
    return partner, customer, relationship


def _active_subscriptions(partner, customer) -> int:
    return Subscription.objects.filter(partner=partner, customer=customer, status=SubscriptionStatus.ACTIVE).count()


@pytest.mark.parametrize("round_", ROUNDS)
def test_removal_racing_an_order_one_of_them_wins(pair, round_):
    partner, customer, relationship = pair
    remover, buyer = member(partner, Role.ADMIN_AGENT), member(partner, Role.SALES_AGENT)
    offer = Offer.objects.get(sku="mail-basic")

    def act(i: int) -> object:
        if i == 0:
            return reseller_relationship_remove(partner=partner, customer=customer, actor=remover, attested=True,
                                                relationship_id=relationship.pk)
        return subscription_services.order_place(
            partner=partner, customer=customer, actor=buyer, idempotency_key=uuid.uuid4().hex,
            lines=[subscription_services.Line(offer_id=offer.id, quantity=2)])

    results = race(2, act)
    kinds = [kind for kind, _value in results]
    removed = ResellerRelationship.objects.get(pk=relationship.pk).status == RelationshipStatus.REMOVED
    if removed:  # the removal went first: the order was refused and bought nothing
        assert kinds == ["ok", "error"] and isinstance(results[1][1], subscription_services.PurchaseRefused)
        assert Subscription.objects.count() == 0
    else:  # the order went first: its active subscription stopped the removal
        assert kinds == ["error", "ok"] and isinstance(results[0][1], RelationshipRemovalBlocked)
        assert _active_subscriptions(partner, customer) == 1
        assert not ActivityLog.objects.filter(kind=ActivityKind.RELATIONSHIP_REMOVED).exists()


def test_removal_racing_an_order_over_http_never_500(pair):
    partner, customer, relationship = pair
    clients = [logged_in(member(partner, Role.ADMIN_AGENT)), logged_in(member(partner, Role.SALES_AGENT))]
    offer = Offer.objects.get(sku="mail-basic")

    def act(i: int) -> object:
        if i == 0:
            return clients[0].post(f"/customers/{customer.id}/remove/",
                                   {"attest": "on", "relationship": str(relationship.pk)})
        return clients[1].post(f"/customers/{customer.id}/subscriptions/add/",
                               {"idempotency_key": uuid.uuid4().hex, f"qty_{offer.id}": "2"})

    results = race(2, act)
    assert outcomes(results) == Counter({"ok": 2}), results  # the test client re-raises a server error
    removal, order = (value for _kind, value in results)
    removed = ResellerRelationship.objects.get(pk=relationship.pk).status == RelationshipStatus.REMOVED
    if removed:
        assert removal.status_code == 302 and order.status_code in (409, 404)
        if order.status_code == 409:  # the order form was open already: it says why (refused)
            assert "no active reseller relationship" in order.content.decode()
        assert Subscription.objects.count() == 0
    else:
        assert removal.status_code == 409 and order.status_code == 302
        assert _active_subscriptions(partner, customer) == 1


@pytest.mark.parametrize("round_", ROUNDS)
def test_removal_racing_the_acceptance_of_a_new_request(pair, round_):
    partner, customer, relationship = pair
    admin = member(partner, Role.GLOBAL_ADMIN)
    customer_admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
    _request, raw = invitation_services.invitation_create(partner=partner, actor=admin, include_dap=True)
    # The click is recorded first; its processing (the worker) is what races the removal.
    acceptance = Acceptance.objects.create(request=invitation_services.request_by_token(raw), customer=customer,
                                           user=customer_admin, include_dap=True)

    def act(i: int) -> object:
        if i == 0:
            return reseller_relationship_remove(partner=partner, customer=customer, actor=admin, attested=True,
                                                relationship_id=relationship.pk)
        return invitation_services.acceptance_process(acceptance_id=str(acceptance.id))

    results = race(2, act)
    assert outcomes(results) == Counter({"ok": 2}), results
    assert results[1][1] == "succeeded"
    rows = list(ResellerRelationship.objects.filter(partner=partner, customer=customer).order_by("id"))
    active = [row for row in rows if row.status == RelationshipStatus.ACTIVE]
    dap = DelegatedAdminPermission.objects.filter(partner=partner, customer=customer, status="active").count()
    assert ResellerRelationship.objects.get(pk=relationship.pk).status == RelationshipStatus.REMOVED
    if active:  # removal first, then the acceptance made a new relationship with its admin permissions
        assert len(rows) == 2 and active[0].pk != relationship.pk and dap == 3
    else:  # the acceptance first (onto the old relationship), then the removal ended it and its DAP
        assert len(rows) == 1 and dap == 0
    # Never a mix: admin permissions without a relationship, or a relationship missing what was accepted.


@pytest.mark.parametrize("round_", ROUNDS)
def test_two_removals_at_once_one_removes_the_other_is_told(pair, round_):
    partner, customer, relationship = pair
    agents = [member(partner, Role.ADMIN_AGENT), member(partner, Role.SALES_AGENT)]

    results = race(2, lambda i: reseller_relationship_remove(partner=partner, customer=customer, actor=agents[i],
                                                             attested=True, relationship_id=relationship.pk).pk)
    assert sorted(outcomes(results).items()) == [("Conflict", 1), ("ok", 1)]
    (error,) = [value for kind, value in results if kind == "error"]
    assert isinstance(error, DomainError) and error.code == "already_removed"
    for tenant in (partner, customer):
        assert ActivityLog.objects.filter(tenant=tenant, kind=ActivityKind.RELATIONSHIP_REMOVED).count() == 1
    winner = next(i for i, (kind, _v) in enumerate(results) if kind == "ok")
    assert ResellerRelationship.objects.get(pk=relationship.pk).removed_by == agents[winner]


def test_two_removals_over_http_never_500(pair):
    partner, customer, relationship = pair
    clients = [logged_in(member(partner, Role.GLOBAL_ADMIN)) for _ in range(2)]
    data = {"attest": "on", "relationship": str(relationship.pk)}

    results = race(2, lambda i: clients[i].post(f"/customers/{customer.id}/remove/", data))
    assert outcomes(results) == Counter({"ok": 2}), results
    assert [value.status_code for _kind, value in results] == [302, 302]
    said = sorted(
        "already" if "removed already" in page else "removed"
        for page in (client.get("/customers/").content.decode() for client in clients)
    )
    assert said == ["already", "removed"]
    assert ActivityLog.objects.filter(tenant=partner, kind=ActivityKind.RELATIONSHIP_REMOVED).count() == 1
