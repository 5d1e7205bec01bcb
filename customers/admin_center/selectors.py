"""Reads of the Partner relationships page, always scoped to the customer tenant."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from customers.models import (
    DelegatedAdminPermission,
    RelationshipRole,
    RelationshipStatus,
    ResellerAssociation,
    ResellerRelationship,
    Service,
)
from gdap.models import ENDED as GDAP_ENDED
from gdap.models import LIVE as GDAP_LIVE
from gdap.models import RelationshipStatus as GdapStatus
from partnercenter.errors import NotFound
from partnercenter.models import Tenant, TenantKind


@dataclass
class DapHeld:
    service: str
    label: str
    since: datetime


@dataclass
class PartnerItem:
    partner: Tenant
    reseller_since: datetime | None = None
    # F12: the partner is the customer's advisor only (an accepted advisor offer), not its reseller.
    advisor_since: datetime | None = None
    # The indirect providers under which this partner serves the customer as indirect reseller.
    via_providers: list[Tenant] = field(default_factory=list)
    dap: list[DapHeld] = field(default_factory=list)
    # GDAP (F10): the partner's admin relationships with the customer, awaiting approval first.
    gdap: list[Any] = field(default_factory=list)

    @property
    def is_reseller(self) -> bool:
        return self.reseller_since is not None

    @property
    def gdap_pending(self) -> list[Any]:
        return [rel for rel in self.gdap if rel.status == GdapStatus.APPROVAL_PENDING]

    @property
    def gdap_live(self) -> list[Any]:
        return [rel for rel in self.gdap if rel.status in GDAP_LIVE]


_GDAP_ORDER = {GdapStatus.APPROVAL_PENDING: 0, GdapStatus.ACTIVE: 1, GdapStatus.EXPIRING: 1,
               GdapStatus.TERMINATION_REQUESTED: 2, GdapStatus.TERMINATING: 2}
GDAP_ENDED_SHOWN_DAYS = 90


def gdap_listed(*, customer: Tenant, now: datetime | None = None) -> Any:
    """The customer's GDAP relationships the page lists (roles prefetched): all but drafts and those
    that ended more than GDAP_ENDED_SHOWN_DAYS ago."""
    from gdap.selectors import relationships_of_customer

    cutoff = (now or timezone.now()) - timedelta(days=GDAP_ENDED_SHOWN_DAYS)
    return (relationships_of_customer(customer=customer).select_related("partner__profile")
            .exclude(status__in=list(GDAP_ENDED), last_modified_at__lt=cutoff))


def partner_relationships(*, customer: Tenant) -> list[PartnerItem]:
    """Every partner with an active reseller relationship, admin permissions or GDAP relationships. A
    fixed number of queries, whatever the number of partners."""
    items: dict[Any, PartnerItem] = {}
    for rel in (
        ResellerRelationship.objects.visible_to(customer).filter(status=RelationshipStatus.ACTIVE)
        .select_related("partner", "partner__profile")
    ):
        if rel.role == RelationshipRole.ADVISOR:
            items[rel.partner_id] = PartnerItem(partner=rel.partner, advisor_since=rel.created_at)
        else:
            items[rel.partner_id] = PartnerItem(partner=rel.partner, reseller_since=rel.created_at)
    for row in (
        DelegatedAdminPermission.objects.visible_to(customer).filter(status=RelationshipStatus.ACTIVE)
        .select_related("partner", "partner__profile")
    ):
        item = items.setdefault(row.partner_id, PartnerItem(partner=row.partner))
        item.dap.append(DapHeld(row.service, str(Service(row.service).label), row.granted_at))
    for assoc in ResellerAssociation.objects.visible_to(customer).filter(
        status=RelationshipStatus.ACTIVE
    ).select_related("provider"):
        if assoc.reseller_id in items:
            items[assoc.reseller_id].via_providers.append(assoc.provider)
    from gdap.selectors import roles_shown

    for rel in gdap_listed(customer=customer):
        items.setdefault(rel.partner_id, PartnerItem(partner=rel.partner)).gdap.append(rel)
    for item in items.values():
        item.gdap.sort(key=lambda rel: (_GDAP_ORDER.get(rel.status, 9), rel.display_name.lower()))
        for rel in item.gdap:  # the most powerful role first, as on the approval page
            rel.roles_shown = roles_shown(rel)
        item.dap.sort(key=lambda held: Service.values.index(held.service))  # the services' own order
    return sorted(items.values(), key=lambda item: (item.partner.name.lower(), str(item.partner.id)))


def known_partner(*, customer: Tenant, partner_id: object) -> Tenant:
    """A partner this customer has (or had) a reseller relationship or admin permissions with; any other
    id — another tenant's partner, a customer, nothing — is a 404. A partner whose relationship or
    permissions ended since the page was drawn is still known, so the page can say what changed."""
    partner = (
        Tenant.objects.filter(id=partner_id, kind=TenantKind.PARTNER)
        .filter(Q(customer_relationships__customer=customer) | Q(dap_granted__customer=customer))
        .select_related("profile")
        .first()
    ) if _is_uuid(partner_id) else None
    if partner is None:
        raise NotFound(gettext_lazy("Not found"))
    return partner


def _is_uuid(value: object) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def dap_services_held(*, customer: Tenant, partner: Tenant) -> list[str]:
    held = set(
        DelegatedAdminPermission.objects.visible_to(customer).filter(partner=partner, status=RelationshipStatus.ACTIVE)
        .values_list("service", flat=True)
    )
    return [service for service in Service.values if service in held]


def reassign_candidates(*, customer: Tenant, partner: Tenant) -> list[Tenant]:
    """The other partners with an active reseller relationship: who may receive the admin permissions."""
    return [
        rel.partner
        for rel in ResellerRelationship.objects.visible_to(customer).filter(status=RelationshipStatus.ACTIVE)
        .exclude(partner=partner).select_related("partner").order_by("partner__name", "partner_id")
    ]
