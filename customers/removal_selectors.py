"""Reads of "Remove reseller relationship" (F5): what blocks it and what the confirmation page shows,
always scoped to the partner tenant."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from customers.models import DelegatedAdminPermission, RelationshipStatus, ResellerAssociation, ResellerRelationship
from customers.selectors import dap_services
from partnercenter.errors import NotFound
from partnercenter.models import Tenant


def removal_blocking_subscriptions(*, partner: Tenant, customer: Tenant) -> list:
    """Active subscriptions bought through this partner: they must be suspended or cancelled before
    the relationship can end (suspended and cancelled ones don't block)."""
    from subscriptions.models import Subscription, SubscriptionStatus

    return list(
        Subscription.objects.visible_to(partner).filter(customer=customer, status=SubscriptionStatus.ACTIVE)
        .select_related("offer").order_by("offer__name", "created_at", "id")
    )


@dataclass
class RemovalSummary:
    """What the confirmation page of "Remove reseller relationship" shows, read in a few queries."""

    blocking: list
    dap: list[DelegatedAdminPermission]
    associations: list[ResellerAssociation]
    # GDAP does not exist yet. Its relationships survive a removal (seed 003); once they exist, this
    # lists the ones that remain, and the page says they are ended separately.
    gdap: list


def removal_summary(*, partner: Tenant, customer: Tenant) -> RemovalSummary:
    return RemovalSummary(
        blocking=removal_blocking_subscriptions(partner=partner, customer=customer),
        dap=dap_services(partner=partner, customer=customer),
        associations=list(
            ResellerAssociation.objects.visible_to(partner)
            .filter(customer=customer, provider=partner, status=RelationshipStatus.ACTIVE)
            .select_related("reseller").order_by("reseller__name")
        ),
        gdap=[],
    )


def relationship_to_remove(*, partner: Tenant, customer_id: object) -> tuple[ResellerRelationship | None, Tenant]:
    """The partner's active relationship with this customer, or (None, customer) when the partner's
    relationship with it has been removed already (a stale page gets a message, not a 404). Anybody
    else's customer, or an id that is not one, is a 404."""
    try:
        rows = list(
            ResellerRelationship.objects.visible_to(partner).filter(customer_id=customer_id)
            .select_related("customer").order_by("status", "-id")[:1]  # "active" sorts before "removed"
        )
    except (ValueError, TypeError, ValidationError) as exc:
        raise NotFound(gettext_lazy("Not found")) from exc
    if not rows:
        raise NotFound(gettext_lazy("Not found"))
    row = rows[0]
    return (row if row.status == RelationshipStatus.ACTIVE else None), row.customer
