"""Races on real PostgreSQL for the customer's admin permissions: two reassignments of one service at
once, a reassignment racing a removal, many removals at once. One consistent outcome, a clear refusal
(DomainError "stale", shown as a message) for the others, never an IntegrityError (a 500)."""

from __future__ import annotations

import pytest

from customers.admin_center import services
from customers.models import DelegatedAdminPermission, RelationshipStatus, Service
from customers.services import dap_grant, reseller_relationship_ensure
from partnercenter.errors import DomainError
from partnercenter.roles import Role
from tests.concurrency import outcomes, race, require_postgres
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _customer_with_partners(n: int):  # noqa: ANN202
    customer = TenantFactory()
    admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
    partners = [PartnerFactory() for _ in range(n)]
    for partner in partners:
        reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    dap_grant(partner=partners[0], customer=customer, services=list(Service.values), reassign=False, actor=None)
    return customer, admin, partners


def _active(customer):  # noqa: ANN001, ANN202
    return list(DelegatedAdminPermission.objects.filter(customer=customer, status=RelationshipStatus.ACTIVE)
                .values_list("service", "partner_id"))


def _refusals(results) -> set[str]:  # noqa: ANN001
    errors = [value for kind, value in results if kind == "error"]
    assert all(isinstance(error, DomainError) for error in errors), errors
    return {error.code for error in errors}


def test_two_reassignments_of_one_service_at_once_give_one_admin_partner():
    require_postgres()
    customer, admin, (holder, first, second) = _customer_with_partners(3)
    targets = [first, second]

    results = race(2, lambda i: services.dap_reassign(customer=customer, partner=holder, new_partner=targets[i],
                                                      services=[Service.PRODUCTIVITY], actor=admin))
    assert sorted(outcomes(results).items()) == [("Stale", 1), ("ok", 1)]
    assert _refusals(results) == {"stale"}
    winner = targets[[kind for kind, _v in results].index("ok")]
    productivity = [partner for service, partner in _active(customer) if service == Service.PRODUCTIVITY]
    assert productivity == [winner.id]
    assert DelegatedAdminPermission.objects.filter(customer=customer, service=Service.PRODUCTIVITY).count() == 2


def test_reassignment_racing_a_removal_gives_one_outcome():
    require_postgres()
    customer, admin, (holder, other) = _customer_with_partners(2)

    def act(i: int) -> list[str]:
        if i == 0:
            return services.dap_reassign(customer=customer, partner=holder, new_partner=other,
                                         services=list(Service.values), actor=admin)
        return services.dap_remove(customer=customer, partner=holder, services=list(Service.values), actor=admin)

    results = race(2, act)
    assert sorted(outcomes(results).items()) == [("Stale", 1), ("ok", 1)]
    assert _refusals(results) == {"stale"}
    active = _active(customer)
    if results[0][0] == "ok":  # reassigned first: the removal found nothing left at the holder
        assert sorted(active) == sorted((service, other.id) for service in Service.values)
    else:  # removed first: nothing was left to reassign
        assert active == []


def test_ten_removals_at_once_remove_once():
    require_postgres()
    from partnercenter.models import ActivityKind, ActivityLog, OutboxEmail

    customer, admin, (holder,) = _customer_with_partners(1)
    member(holder, Role.GLOBAL_ADMIN)

    results = race(10, lambda i: services.dap_remove(customer=customer, partner=holder,
                                                     services=list(Service.values), actor=admin))
    assert sorted(outcomes(results).items()) == [("Stale", 9), ("ok", 1)]
    assert _refusals(results) == {"stale"}
    assert _active(customer) == []
    assert ActivityLog.objects.filter(tenant=customer, kind=ActivityKind.DAP_REMOVED).count() == 1
    assert OutboxEmail.objects.filter(kind="dap_removed").count() == 1


@pytest.mark.parametrize("round_", range(2))
def test_reassignment_racing_an_acceptance_that_reassigns_gives_one_admin_partner_per_service(round_):
    """The acceptance of another partner's request ("reassign" chosen on the page) and the customer's
    own reassignment to a third partner, processed at the same moment."""
    require_postgres()
    from invitations import services as invitation_services
    from invitations.models import Acceptance, DapChoice

    customer, admin, (holder, other, requester) = _customer_with_partners(3)
    # The requester is a reseller already; its new request asks for admin permissions.
    _r, raw = invitation_services.invitation_create(partner=requester,
                                                    actor=member(requester, Role.GLOBAL_ADMIN), include_dap=True)
    acceptance = Acceptance.objects.create(request=invitation_services.request_by_token(raw), customer=customer,
                                           user=admin, include_dap=True, dap_choice=DapChoice.REASSIGN)

    def act(i: int) -> object:
        if i == 0:
            return invitation_services.acceptance_process(acceptance_id=str(acceptance.id))
        return services.dap_reassign(customer=customer, partner=holder, new_partner=other,
                                     services=list(Service.values), actor=admin)

    results = race(2, act)
    assert results[0] == ("ok", "succeeded")
    assert results[1][0] == "ok" or _refusals(results) == {"stale"}
    active = _active(customer)
    assert sorted(service for service, _partner in active) == sorted(Service.values)  # one holder each
    # Either order ends with the requester: the acceptance takes them from whoever holds them, and a
    # reassignment after it finds nothing left at the old holder.
    assert {partner for _service, partner in active} == {requester.id}
