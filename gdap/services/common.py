"""What every GDAP service shares: the permission check, row locks in one order, and the activity entry
of a relationship's state change (in the partner's log and, once the customer may see it, the customer's).

Lock order, everywhere: approval link → relationship → assignment. Never the other way round."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gdap.models import AdminRelationship, RelationshipStatus
from partnercenter.errors import Forbidden
from partnercenter.events import event_record
from partnercenter.models import Tenant, User
from partnercenter.selectors import permissions_of


def require(actor: User | None, tenant: Tenant, perm: str) -> None:
    """The actor holds `perm` in `tenant` now; None is the system (tasks, sweeps) and may."""
    if actor is None:
        return
    if perm not in permissions_of(user=actor, tenant=tenant):
        raise Forbidden(_("Your role does not allow this change."))


def relationship_lock(rel: AdminRelationship | Any) -> AdminRelationship:
    """The relationship re-read under FOR UPDATE (its partner and customer joined, not locked)."""
    pk = rel.pk if isinstance(rel, AdminRelationship) else rel
    return (AdminRelationship.objects.select_for_update(of=("self",))
            .select_related("partner", "customer", "template").get(pk=pk))


def relationship_data(rel: AdminRelationship, **extra: Any) -> dict[str, Any]:
    data = {"relationship_id": str(rel.pk), "name": rel.display_name, "partner": rel.partner.name,
            "partner_id": str(rel.partner_id)}
    if rel.customer_id:
        data.update(customer=rel.customer.name, customer_id=str(rel.customer_id))
    else:
        data["customer"] = ""
    if rel.end_at:
        data["end"] = rel.end_at.date().isoformat()
    data.update(extra)
    return data


def record(rel: AdminRelationship, kind: str, *, actor: User | None = None, ip: str | None = None,
           customer_too: bool | None = None, **extra: Any) -> None:
    """The activity entry of a state change: always the partner's; the customer's too when it is bound
    and the relationship is past `created` (the customer never sees drafts), unless `customer_too` says.
    Subscribers of the kind (mail, webhooks) run in the same transaction."""
    data = relationship_data(rel, **extra)
    customer = rel.customer if rel.customer_id else None
    event_record(tenant=rel.partner, kind=kind, actor=actor, customer=customer, data=data, ip=ip)
    if customer_too is None:
        customer_too = rel.status != RelationshipStatus.CREATED
    if customer is not None and customer_too:
        event_record(tenant=customer, kind=kind, actor=actor, customer=customer, data=data, ip=ip)
