"""The rules a customer's answer to a relationship request is checked against, before and after the
click: who may answer, region, cloud, duplicates, the admin partner of each service."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from customers import rules
from customers.models import Service
from customers.rules import relationship_refusals
from invitations.errors import NotAllowed
from invitations.models import RelationshipRequest
from invitations.refusals import refusal_error, refusal_text
from invitations.selectors import user_email_matches
from partnercenter.errors import DomainError
from partnercenter.models import Membership, Tenant, TenantKind, User
from partnercenter.selectors import user_is_customer_global_admin


@dataclass
class Blocker:
    code: str
    params: dict

    @property
    def message(self) -> str:
        return refusal_text(self.code, self.params)

    def error(self) -> DomainError:
        """This refusal raised at the click: its stored code's domain error, worded when read."""
        return refusal_error(self.code, self.params)


def acceptance_blockers(*, request: RelationshipRequest, customer: Tenant, duplicates: bool = True) -> list[Blocker]:
    """Rules that refuse the relationship before anything is created: region, cloud, duplicates (not
    with duplicates=False: the queued processing applies an acceptance over an existing relationship)."""
    partner = request.partner
    blockers: list[Blocker] = []
    if customer.kind != TenantKind.CUSTOMER:
        blockers.append(Blocker("not_customer", {}))
        return blockers
    for seller in (partner, request.provider) if request.provider_id else (partner,):
        blockers.extend(Blocker(refusal.code, refusal.params) for refusal in relationship_refusals(seller, customer))
    from customers.models import RelationshipRole, RelationshipStatus, ResellerRelationship

    if request.provider_id:
        from customers.models import ResellerAssociation
        from resellers.selectors import is_partnered_reseller

        # Re-checked at every step: the partnership may have ended since the link was made.
        if not is_partnered_reseller(provider=request.provider, reseller_id=partner.id):
            blockers.append(Blocker("partnership", {"partner": partner.name, "provider": request.provider.name}))
        elif ResellerAssociation.objects.filter(
            customer=customer, provider_id=request.provider_id, status=RelationshipStatus.ACTIVE
        ).exclude(reseller=partner).exists():
            blockers.append(Blocker("associated", {"provider": request.provider.name}))
    sellers = {"partner": partner.id, **({"provider": request.provider_id} if request.provider_id else {})}
    if duplicates and not request.include_dap:
        from partnercenter.sqlcache import shaped_rows

        # Only a reseller row counts: the partner that is merely the customer's advisor (F12) may still
        # become its reseller through this request. Compiled once (sqlcache): every click asks.
        def build(v: dict):  # noqa: ANN202
            return ResellerRelationship.objects.filter(
                partner_id__in=[v[name] for name in sellers], customer_id=v["customer"],
                status=RelationshipStatus.ACTIVE, role=RelationshipRole.RESELLER).values_list("id")
        rows = shaped_rows(("reseller rows of a request's sellers", tuple(sellers)), build,
                           {**sellers, "customer": customer.id})
        if len(rows) == len(sellers):  # one active row per pair at most (the partial unique index)
            blockers.append(Blocker("exists", {"partner": partner.name}))
    return blockers


def pending_requests(*, partner: Tenant, emails: list[str]):  # noqa: ANN201
    """The partner's pending requests addressed to these (normalised) emails: the "one pending request
    per customer email" rule of a single invite (issuing) and of every row of a bulk invitation."""
    return RelationshipRequest.objects.filter(partner=partner, email__in=emails, status="pending")


def customer_emails(*, partner: Tenant, emails: list[str]) -> set[str]:
    """Which of these (normalised) emails belong to a user of a customer the partner already has an
    active reseller relationship with ("already a customer"), one query."""
    from customers.models import RelationshipStatus, ResellerRelationship

    customers = ResellerRelationship.objects.filter(partner=partner, status=RelationshipStatus.ACTIVE).values(
        "customer_id")
    from django.db.models.functions import Lower

    rows = (Membership.objects.filter(tenant_id__in=customers, is_active=True)
            .annotate(address=Lower("user__email")).filter(address__in=emails).values_list("address", flat=True))
    return set(rows)


def dap_conflicts(*, request: RelationshipRequest, customer: Tenant) -> list[tuple[str, Tenant]]:
    """Services for which another partner holds admin permissions today (multichannel)."""
    if not request.include_dap:
        return []
    conflicts = rules.dap_conflicts(customer=customer, services=Service.values, partner=request.partner)
    return [(str(Service(service).label), row.partner) for service, row in conflicts.items()]


def acceptance_actor_check(*, user: User, customer: Tenant, request: RelationshipRequest) -> None:
    if customer.kind != TenantKind.CUSTOMER or not user_is_customer_global_admin(user=user, tenant=customer):
        raise NotAllowed(_("Only a Global admin of the customer organisation can accept or decline this request."))
    if not user_email_matches(user=user, request=request):
        raise NotAllowed(
            _("This request was sent to a different email address. Sign in with the account it was sent to.")
        )
