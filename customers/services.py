"""Writes on partner ↔ customer relationships."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.events import CustomerEvents
from customers.models import (
    DelegatedAdminPermission,
    RelationshipRole,
    RelationshipStatus,
    ResellerAssociation,
    ResellerRelationship,
)
from customers.rules import dap_grant_plan
from partnercenter.errors import Code, Conflict, Forbidden, Invalid
from partnercenter.events import event_record, event_record_many
from partnercenter.models import Tenant, User
from partnercenter.roles import Perm


def reseller_relationship_ensure(
    *, partner: Tenant, customer: Tenant, actor: User | None, source_request: object = None, ip: str | None = None,
    role: str = RelationshipRole.RESELLER, _retried: bool = False,
) -> tuple[ResellerRelationship, bool]:
    """The active relationship between partner and customer, created if missing. Safe under races.

    `role`: an advisor relationship (F12) never demotes a reseller one; a reseller relationship formed
    with a partner that is only the customer's advisor so far turns that row into a reseller row (one
    active row per pair, the partial unique index)."""
    existing = _active_relationship(partner, customer)
    if existing:
        if role == RelationshipRole.RESELLER and existing.role != RelationshipRole.RESELLER:
            existing.role = RelationshipRole.RESELLER
            existing.save(update_fields=["role"])
            _relationship_logged(partner, customer, actor, ip)
            return existing, True
        return existing, False
    try:
        with transaction.atomic():
            relationship = ResellerRelationship.objects.create(
                partner=partner, customer=customer, customer_name=customer.name,
                customer_domain=customer.primary_domain, created_by=actor,
                source_request=source_request, role=role,
            )
    except IntegrityError:
        # Another transaction created it between our read and write; the partial unique index holds.
        # Once more only (the winner's row is there now): a second IntegrityError is not a race.
        if _retried:
            raise
        return reseller_relationship_ensure(partner=partner, customer=customer, actor=actor,
                                            source_request=source_request, ip=ip, role=role, _retried=True)
    _relationship_logged(partner, customer, actor, ip, advisor=role == RelationshipRole.ADVISOR)
    return relationship, True


def _active_relationship(partner: Tenant, customer: Tenant) -> ResellerRelationship | None:
    """The pair's active relationship (one at most: the partial unique index), by a statement compiled once
    (partnercenter.sqlcache): every acceptance and every added customer asks."""
    from partnercenter.sqlcache import shaped_first

    def build(v: dict):  # noqa: ANN202
        return ResellerRelationship.objects.filter(partner_id=v["partner"], customer_id=v["customer"],
                                                   status=RelationshipStatus.ACTIVE).order_by("pk")[:1]

    return shaped_first(("active relationship of a pair",), build, {"partner": partner.pk, "customer": customer.pk})


def _relationship_logged(partner: Tenant, customer: Tenant, actor: User | None, ip: str | None,
                         *, advisor: bool = False) -> None:
    data = {"partner": partner.name, "customer": customer.name,
            "partner_id": str(partner.id), "customer_id": str(customer.id)}
    kind = CustomerEvents.ADVISOR_RELATIONSHIP_CREATED if advisor else CustomerEvents.RELATIONSHIP_CREATED
    # One INSERT for both, with no savepoint of its own: an error undoes the caller's block up to its nearest
    # savepoint (nobody goes on after one).
    event_record_many([{"tenant": tenant, "kind": kind, "actor": actor, "customer": customer, "data": data, "ip": ip}
                       for tenant in (partner, customer)], savepoint=False)


def dap_grant(
    *,
    partner: Tenant,
    customer: Tenant,
    services: list[str],
    reassign: bool,
    actor: User | None,
    ip: str | None = None,
) -> list[str]:
    """Grant DAP per service; where another partner holds it, reassign only when the customer chose so."""
    granted: list[str] = []
    removed_by_partner: dict[Tenant, list[str]] = {}
    to_grant, displaced = dap_grant_plan(customer=customer, services=services, partner=partner, reassign=reassign)
    for holder in displaced:
        holder.status = RelationshipStatus.REMOVED
        holder.removed_at = timezone.now()
        holder.save(update_fields=["status", "removed_at"])
        removed_by_partner.setdefault(holder.partner, []).append(holder.service)
    for service in to_grant:
        DelegatedAdminPermission.objects.create(partner=partner, customer=customer, service=service, granted_by=actor)
        granted.append(service)
    for old_partner, old_services in removed_by_partner.items():
        data = {"partner": old_partner.name, "partner_id": str(old_partner.id), "services": old_services}
        for tenant in (old_partner, customer):
            event_record(tenant=tenant, kind=CustomerEvents.DAP_REMOVED, actor=actor, customer=customer, data=data,
                         ip=ip)
    if granted:
        data = {"partner": partner.name, "partner_id": str(partner.id), "services": granted}
        for tenant in (partner, customer):
            event_record(tenant=tenant, kind=CustomerEvents.DAP_GRANTED, actor=actor, customer=customer, data=data,
                         ip=ip)
    return granted


def reseller_association_ensure(
    *, customer: Tenant, reseller: Tenant, provider: Tenant, actor: User | None, reassign: bool = False
) -> None:
    """Associate the customer with the reseller under this provider (one active per provider). Moving
    a customer away from another reseller is the provider's explicit decision (reassign=True)."""
    current = ResellerAssociation.objects.filter(customer=customer, provider=provider,
                                                 status=RelationshipStatus.ACTIVE).first()
    if current is not None:
        if current.reseller_id == reseller.id:
            return
        if not reassign:
            raise Conflict(_("Another reseller of %(provider)s serves this customer already."),
                           params={"provider": provider.name}, code=Code.ASSOCIATED)
        current.status, current.removed_at = RelationshipStatus.REMOVED, timezone.now()
        current.save(update_fields=["status", "removed_at"])
    try:
        with transaction.atomic():
            ResellerAssociation.objects.create(customer=customer, reseller=reseller, provider=provider)
    except IntegrityError:
        return  # a concurrent acceptance associated it first
    data = {"customer": customer.name, "reseller": reseller.name, "provider": provider.name}
    for tenant in (provider, reseller, customer):
        event_record(tenant=tenant, kind=CustomerEvents.ASSOCIATION_CREATED, actor=actor, customer=customer,
                     data=data)


# --- Remove reseller relationship (F5, seed 003) ------------------------------------------------------


class RelationshipRemovalBlocked(Conflict):
    """Active subscriptions bought through the partner stop the removal; `subscriptions` lists them."""

    default_code = Code.BLOCKED

    def __init__(self, message: object, *, subscriptions: list, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.subscriptions = subscriptions


def reseller_relationship_remove(
    *,
    partner: Tenant,
    customer: Tenant,
    actor: User,
    attested: bool,
    relationship_id: int | None = None,
    ip: str | None = None,
) -> ResellerRelationship:
    """End the partner's reseller relationship with the customer, on the data as it is now.

    One transaction: the relationship row is kept as removed (when, by whom); the partner's DAP for the
    customer ends; GDAP stays; a provider's reseller associations for the customer end; the partner stops
    being the designated support contact of the customer's subscriptions; activity in both tenants. No
    email: the partner gives notice where its contract asks for it. `relationship_id` is the row the
    confirmation page showed: a page older than a removal (and a later new relationship) is refused."""
    from partnercenter.selectors import permissions_of

    if Perm.RELATIONSHIP_REMOVE not in permissions_of(user=actor, tenant=partner):
        raise Forbidden(_("Your role does not allow this."))
    if not attested:
        raise Invalid(_("Confirm the statement to remove the reseller relationship."), field="attest")
    with transaction.atomic():
        # The same lock as an acceptance's processing (invitations.services.acceptance_process): a new
        # relationship request accepted at this moment is applied wholly before or wholly after this.
        Tenant.objects.select_for_update(no_key=True).filter(pk=customer.pk).values_list("pk").first()
        # Orders, reactivations and quantity changes lock this row too (subscriptions.services), so
        # none commits after the removal and none is missed by the check for active subscriptions.
        locked = ResellerRelationship.objects.select_for_update(of=("self",)).filter(
            partner=partner, customer=customer, status=RelationshipStatus.ACTIVE
        )
        if relationship_id is not None:
            locked = locked.filter(pk=relationship_id)
        relationship = locked.first()
        if relationship is None:
            raise Conflict(
                _("The reseller relationship with %(customer)s was removed already."),
                params={"customer": customer.name}, code=Code.ALREADY_REMOVED,
            )
        from customers.removal_selectors import removal_blocking_subscriptions

        blocking = removal_blocking_subscriptions(partner=partner, customer=customer)
        if blocking:
            raise RelationshipRemovalBlocked(
                _("Suspend or cancel the active subscriptions first; then remove the reseller relationship."),
                subscriptions=blocking,
            )
        now = timezone.now()
        relationship.status, relationship.removed_at, relationship.removed_by = RelationshipStatus.REMOVED, now, actor
        relationship.save(update_fields=["status", "removed_at", "removed_by"])
        services = _dap_end(partner=partner, customer=customer, actor=actor, now=now, ip=ip)
        _associations_end(provider=partner, customer=customer, actor=actor, now=now, ip=ip)
        released = _support_contacts_release(partner=partner, customer=customer, actor=actor, now=now)
        data = {"partner": partner.name, "customer": customer.name, "relationship": relationship.pk,
                "services": services, "support_released": released}
        for tenant in (partner, customer):
            event_record(tenant=tenant, kind=CustomerEvents.RELATIONSHIP_REMOVED, actor=actor, customer=customer,
                         data=data, ip=ip)
    return relationship


def _dap_end(*, partner: Tenant, customer: Tenant, actor: User, now: object, ip: str | None) -> list[str]:
    rows = DelegatedAdminPermission.objects.filter(partner=partner, customer=customer, status=RelationshipStatus.ACTIVE)
    services = sorted(rows.values_list("service", flat=True))
    if services:
        rows.update(status=RelationshipStatus.REMOVED, removed_at=now)
        data = {"partner": partner.name, "partner_id": str(partner.id), "services": services}
        for tenant in (partner, customer):
            event_record(tenant=tenant, kind=CustomerEvents.DAP_REMOVED, actor=actor, customer=customer, data=data,
                         ip=ip)
    return services


def _associations_end(*, provider: Tenant, customer: Tenant, actor: User, now: object, ip: str | None) -> None:
    """A provider's associations of this customer with its resellers end with its relationship. The
    resellers' own relationships with the customer stay: they are theirs."""
    rows = list(ResellerAssociation.objects.select_for_update(of=("self",)).filter(
        customer=customer, provider=provider, status=RelationshipStatus.ACTIVE).select_related("reseller"))
    for row in rows:
        ResellerAssociation.objects.filter(pk=row.pk).update(status=RelationshipStatus.REMOVED, removed_at=now)
        data = {"customer": customer.name, "reseller": row.reseller.name, "provider": provider.name}
        for tenant in (provider, row.reseller, customer):
            event_record(tenant=tenant, kind=CustomerEvents.ASSOCIATION_REMOVED, actor=actor, customer=customer,
                         data=data, ip=ip)


def _support_contacts_release(*, partner: Tenant, customer: Tenant, actor: User, now: object) -> int:
    """The partner stops being the designated support contact of the customer's subscriptions.

    Where it was (by name, or as the selling partner with no contact named), the contact becomes the
    subscription's reseller of record when that indirect reseller is still partnered with the selling
    partner and still has its own active reseller relationship with the customer (it goes on serving
    the customer); otherwise nobody (`no_support_contact`). Versions move on, so a subscription page
    opened before the removal cannot write over this."""
    from resellers.selectors import is_partnered_reseller
    from subscriptions.models import EventKind, Subscription, SubscriptionEvent

    rows = list(
        Subscription.objects.select_for_update(of=("self",)).filter(customer=customer).filter(
            Q(support_contact=partner) | Q(partner=partner, support_contact__isnull=True, no_support_contact=False)
        ).select_related("partner_of_record").order_by("id")
    )
    for subscription in rows:
        fallback = subscription.partner_of_record
        if fallback is not None and not (
            fallback.id != partner.id
            and is_partnered_reseller(provider=subscription.partner, reseller_id=fallback.id)
            and ResellerRelationship.objects.filter(partner=fallback, customer=customer,
                                                    status=RelationshipStatus.ACTIVE).exists()
        ):
            fallback = None
        Subscription.objects.filter(pk=subscription.pk).update(
            support_contact=fallback, no_support_contact=fallback is None, version=F("version") + 1, updated_at=now
        )
        SubscriptionEvent.objects.create(subscription=subscription, kind=EventKind.SUPPORT_CONTACT,
                                         status=subscription.status, quantity=subscription.quantity, actor=actor,
                                         detail=(fallback.name if fallback else "—")[:200])
    return len(rows)
