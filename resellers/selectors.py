"""Reads of the two-tier channel, always scoped to one provider."""

from __future__ import annotations

from django.db.models import QuerySet

from partnercenter.models import Tenant
from resellers.models import IndirectPartnership, PartnershipStatus


def partnered_resellers(*, provider: Tenant) -> QuerySet[Tenant]:
    return Tenant.objects.filter(
        provider_partnerships__provider=provider, provider_partnerships__status=PartnershipStatus.ACTIVE
    ).order_by("name")


def is_partnered_reseller(*, provider: Tenant, reseller_id: object) -> bool:
    return IndirectPartnership.objects.filter(
        provider=provider, reseller_id=reseller_id, status=PartnershipStatus.ACTIVE
    ).exists()
