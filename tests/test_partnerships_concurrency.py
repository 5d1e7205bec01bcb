"""Races on real PostgreSQL: 20 acceptances of one partnership request; a combined invitation twice."""

from __future__ import annotations

import pytest

from partnercenter.errors import DomainError
from partnercenter.roles import Role
from resellers import services
from resellers.models import IndirectPartnership
from tests.concurrency import outcomes, race, require_postgres
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_twenty_concurrent_acceptances_give_one_partnership():
    require_postgres()
    provider = PartnerFactory(partner_type="indirect_provider", country="HU")
    reseller = PartnerFactory(partner_type="indirect_reseller", country="HU")
    request, _raw = services.partnership_request_create(provider=provider, actor=member(provider, Role.GLOBAL_ADMIN))
    admins = [member(reseller, Role.ADMIN_AGENT) for _ in range(20)]

    results = race(20, lambda i: services.partnership_accept(request_id=request.id, reseller=reseller,
                                                             actor=admins[i]).pk)
    assert outcomes(results) == {"ok": 20}  # idempotent: every click gets the one partnership
    assert len({value for _kind, value in results}) == 1
    assert IndirectPartnership.objects.filter(provider=provider, reseller=reseller).count() == 1


def test_combined_invitation_accepted_twice_at_once_gives_one_pair():
    require_postgres()
    from customers.models import ResellerAssociation, ResellerRelationship
    from invitations import services as invitation_services
    from invitations.errors import RequestAlreadyAnswered

    provider = PartnerFactory(partner_type="indirect_provider", country="HU")
    reseller = PartnerFactory(partner_type="indirect_reseller", country="HU")
    reseller_admin = member(reseller, Role.GLOBAL_ADMIN)
    req, _raw = services.partnership_request_create(provider=provider, actor=member(provider, Role.GLOBAL_ADMIN))
    services.partnership_accept(request_id=req.id, reseller=reseller, actor=reseller_admin)
    _r, raw = invitation_services.invitation_create(partner=reseller, actor=reseller_admin, provider=provider,
                                                    include_dap=True)
    customer = TenantFactory(country="HU")
    admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)

    results = race(2, lambda i: invitation_services.invitation_accept(raw_token=raw, user=admin, customer=customer).pk)
    assert sorted(outcomes(results).items()) == [("RequestAlreadyAnswered", 1), ("ok", 1)]
    assert all(isinstance(v, RequestAlreadyAnswered | DomainError) for k, v in results if k == "error")
    assert ResellerRelationship.objects.filter(customer=customer, status="active").count() == 2
    assert ResellerAssociation.objects.filter(customer=customer, status="active").count() == 1
