"""Reads of the two-tier channel, always scoped to one provider."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Exists, Q, QuerySet
from django.http import Http404

from partnercenter.models import Tenant
from resellers.models import IndirectPartnership, PartnershipStatus


def partnered_resellers(*, provider: Tenant) -> QuerySet[Tenant]:
    return Tenant.objects.filter(
        provider_partnerships__provider=provider, provider_partnerships__status=PartnershipStatus.ACTIVE
    ).order_by("name")


def is_partnered_reseller(*, provider: Tenant, reseller_id: object) -> bool:
    try:
        return IndirectPartnership.objects.filter(
            provider=provider, reseller_id=reseller_id, status=PartnershipStatus.ACTIVE
        ).exists()
    except (ValueError, ValidationError):  # not even a UUID: certainly not a partnered reseller
        return False


SELECT_LIMIT = 300


def partnered_reseller(*, provider: Tenant, reseller_id: object) -> Tenant:
    """The provider's partnered reseller with this id; any other tenant (or no UUID at all) is a 404.
    It carries `too_many_for_select`, so the page that filters by it learns in the same query how to
    offer the filter (a drop-down or a box to type in)."""
    more = IndirectPartnership.objects.filter(provider=provider, status=PartnershipStatus.ACTIVE).order_by()
    try:
        return (
            partnered_resellers(provider=provider).only("id", "name", "mpn_id")
            .annotate(too_many_for_select=Exists(more[SELECT_LIMIT:]))
            .get(id=reseller_id)
        )
    except (Tenant.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def reseller_filter_options(*, provider: Tenant, chosen: Tenant | None = None) -> list[Tenant] | None:
    """Partnered resellers for a drop-down, or None when there are too many for one (type instead).
    `chosen` is the reseller the page is filtered by, when it came from partnered_reseller()."""
    if getattr(chosen, "too_many_for_select", False):
        return None
    # One query from the partnership side, whatever the count: a name-ordered join over every
    # tenant would be the slow way to learn that there are 10,000.
    ids = list(
        IndirectPartnership.objects.filter(provider=provider, status=PartnershipStatus.ACTIVE)
        .values_list("reseller_id", flat=True)[: SELECT_LIMIT + 1]
    )
    if len(ids) > SELECT_LIMIT:
        return None
    if not ids:
        return []
    # Separate from the count on purpose: joined, the planner hashes every tenant to return 301 rows.
    return list(Tenant.objects.filter(id__in=ids).only("id", "name", "mpn_id").order_by("name"))


def reseller_lookup(*, provider: Tenant, text: str) -> tuple[Tenant | None, list[Tenant]]:
    """Resolve what was typed into "Filter by indirect reseller": an MPN ID or (part of) a name.
    Returns the reseller when the answer is unique, else up to ten candidates."""
    term = text.replace("\x00", "").strip()[:100]
    if not term:
        return None, []
    qs = partnered_resellers(provider=provider).only("id", "name", "mpn_id")
    exact = qs.filter(Q(mpn_id=term) | Q(name__iexact=term)).first()
    if exact is not None:
        return exact, []
    candidates = list(qs.filter(name__icontains=term)[:10])
    if len(candidates) == 1:
        return candidates[0], []
    return None, candidates
