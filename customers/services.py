"""Writes on partner ↔ customer relationships."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.models import DelegatedAdminPermission, RelationshipStatus, ResellerAssociation, ResellerRelationship
from partnercenter.models import ActivityKind, Tenant, User
from partnercenter.services import activity_record


def reseller_relationship_ensure(
    *, partner: Tenant, customer: Tenant, actor: User | None, source_request: object = None, ip: str | None = None
) -> tuple[ResellerRelationship, bool]:
    """The active relationship between partner and customer, created if missing. Safe under races."""
    existing = ResellerRelationship.objects.filter(
        partner=partner, customer=customer, status=RelationshipStatus.ACTIVE
    ).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            relationship = ResellerRelationship.objects.create(
                partner=partner, customer=customer, customer_name=customer.name,
                customer_domain=customer.primary_domain, created_by=actor,
                source_request=source_request,
            )
    except IntegrityError:
        # Another transaction created it between our read and write; the partial unique index holds.
        return ResellerRelationship.objects.get(
            partner=partner, customer=customer, status=RelationshipStatus.ACTIVE
        ), False
    data = {"partner": partner.name, "customer": customer.name}
    for tenant in (partner, customer):
        activity_record(
            tenant=tenant, kind=ActivityKind.RELATIONSHIP_CREATED, actor=actor, customer=customer, data=data, ip=ip
        )
    return relationship, True


def dap_holders(*, customer: Tenant, services: list[str]) -> dict[str, DelegatedAdminPermission]:
    rows = DelegatedAdminPermission.objects.filter(
        customer=customer, service__in=services, status=RelationshipStatus.ACTIVE
    ).select_related("partner")
    return {row.service: row for row in rows}


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
    holders = dap_holders(customer=customer, services=services)
    for service in services:
        holder = holders.get(service)
        if holder is not None and holder.partner_id == partner.id:
            continue
        if holder is not None:
            if not reassign:
                continue
            holder.status = RelationshipStatus.REMOVED
            holder.removed_at = timezone.now()
            holder.save(update_fields=["status", "removed_at"])
            removed_by_partner.setdefault(holder.partner, []).append(service)
        DelegatedAdminPermission.objects.create(partner=partner, customer=customer, service=service, granted_by=actor)
        granted.append(service)
    for old_partner, old_services in removed_by_partner.items():
        data = {"partner": old_partner.name, "services": old_services}
        for tenant in (old_partner, customer):
            activity_record(tenant=tenant, kind=ActivityKind.DAP_REMOVED, actor=actor, customer=customer, data=data,
                            ip=ip)
    if granted:
        data = {"partner": partner.name, "services": granted}
        for tenant in (partner, customer):
            activity_record(tenant=tenant, kind=ActivityKind.DAP_GRANTED, actor=actor, customer=customer, data=data,
                            ip=ip)
    return granted


def customer_sync_to_relationships(*, customer: Tenant) -> int:
    """Carry a tenant's changed name or primary domain into the copies its relationships keep for the
    Customers list (sort key and search)."""
    return (
        ResellerRelationship.objects.filter(customer=customer)
        .exclude(customer_name=customer.name, customer_domain=customer.primary_domain)
        .update(customer_name=customer.name, customer_domain=customer.primary_domain)
    )


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
            from partnercenter.errors import DomainError

            raise DomainError("associated with another reseller of this provider", code="associated")
        current.status, current.removed_at = RelationshipStatus.REMOVED, timezone.now()
        current.save(update_fields=["status", "removed_at"])
    try:
        with transaction.atomic():
            ResellerAssociation.objects.create(customer=customer, reseller=reseller, provider=provider)
    except IntegrityError:
        return  # a concurrent acceptance associated it first
    data = {"customer": customer.name, "reseller": reseller.name, "provider": provider.name}
    for tenant in (provider, reseller, customer):
        activity_record(tenant=tenant, kind=ActivityKind.ASSOCIATION_CREATED, actor=actor, customer=customer,
                        data=data)
