"""Races on real PostgreSQL: two resellers of one provider, one customer, two combined invitations."""

from __future__ import annotations

import pytest

from customers.models import DelegatedAdminPermission, ResellerAssociation, ResellerRelationship
from invitations import services as invitation_services
from invitations.models import Acceptance, AcceptanceStatus
from partnercenter.models import ActivityKind, ActivityLog
from partnercenter.roles import Role
from resellers import services
from tests.concurrency import outcomes, race, require_postgres
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("round_", range(3))
def test_two_resellers_combined_invitations_accepted_at_once_one_wins_the_other_creates_nothing(round_):
    require_postgres()
    provider = PartnerFactory(partner_type="indirect_provider", country="HU")
    provider_admin = member(provider, Role.GLOBAL_ADMIN)
    resellers = [PartnerFactory(partner_type="indirect_reseller", country="HU") for _ in range(2)]
    tokens = []
    for reseller in resellers:
        admin = member(reseller, Role.GLOBAL_ADMIN)
        req, _raw = services.partnership_request_create(provider=provider, actor=provider_admin)
        services.partnership_accept(request_id=req.id, reseller=reseller, actor=admin)
        _r, raw = invitation_services.invitation_create(partner=reseller, actor=admin, provider=provider,
                                                        include_dap=True)
        tokens.append(raw)
    customer = TenantFactory(country="HU")
    admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)
    # Both clicks are recorded first; their processing is what races (as two workers would).
    acceptances = []
    for raw in tokens:
        request = invitation_services.request_by_token(raw)
        acceptances.append(Acceptance.objects.create(request=request, customer=customer, user=admin,
                                                     include_dap=True))

    results = race(2, lambda i: invitation_services.acceptance_process(acceptance_id=str(acceptances[i].id)))
    assert outcomes(results) == {"ok": 2}
    assert sorted(value for _kind, value in results) == ["failed", "succeeded"]

    rows = {row.request.partner_id: row for row in Acceptance.objects.select_related("request")}
    winner = next(r for r in resellers if rows[r.id].status == AcceptanceStatus.SUCCEEDED)
    loser = next(r for r in resellers if r is not winner)
    refused = rows[loser.id]
    assert refused.status == AcceptanceStatus.FAILED and refused.result_code == "associated"
    assert provider.name in refused.result_text and "reassign" in refused.result_text
    # The loser created nothing: no relationship, no association, no admin permissions.
    assert list(ResellerAssociation.objects.filter(customer=customer, status="active")
                .values_list("reseller_id", flat=True)) == [winner.id]
    assert not ResellerRelationship.objects.filter(partner=loser, customer=customer).exists()
    assert not DelegatedAdminPermission.objects.filter(partner=loser, customer=customer).exists()
    assert ResellerRelationship.objects.filter(customer=customer, status="active").count() == 2
    assert ActivityLog.objects.filter(tenant=loser, kind=ActivityKind.ACCEPTANCE_FAILED).count() == 1
    assert not ActivityLog.objects.filter(tenant=loser, kind=ActivityKind.REQUEST_ACCEPTED).exists()
