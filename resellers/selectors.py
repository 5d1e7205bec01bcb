"""Reads of the two-tier channel, always scoped to one provider."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, Q, QuerySet
from django.http import Http404

from partnercenter.models import PartnerType, Tenant
from resellers.models import IndirectPartnership, PartnershipStatus


def partnered_resellers(*, provider: Tenant) -> QuerySet[Tenant]:
    return Tenant.objects.filter(
        provider_partnerships__provider=provider, provider_partnerships__status=PartnershipStatus.ACTIVE
    ).order_by("name")


def as_provider(tenant: Tenant) -> Tenant | None:
    """The tenant when it is an indirect provider (its forms may name one of its resellers), else None."""
    return tenant if tenant.partner_type == PartnerType.INDIRECT_PROVIDER else None


def has_partnered_resellers(*, provider: Tenant) -> bool:
    return IndirectPartnership.objects.filter(provider=provider, status=PartnershipStatus.ACTIVE).exists()


def is_partnered_reseller(*, provider: Tenant, reseller_id: object) -> bool:
    try:
        return IndirectPartnership.objects.filter(
            provider=provider, reseller_id=reseller_id, status=PartnershipStatus.ACTIVE
        ).exists()
    except (ValueError, ValidationError):  # not even a UUID: certainly not a partnered reseller
        return False


SELECT_LIMIT = 300
RESELLERS_PAGE_SIZE = 50


def partnerships_page(*, provider: Tenant, search: str = "", number: object = 1, per_page: int = 0) -> Page:
    """A page of the provider's partnerships (active first, then by reseller name), found by the
    reseller's name or MPN ID. Each carries `customer_count`, the customers its reseller serves under
    this provider, counted for the page's rows only (a distributor has thousands of resellers)."""
    from customers.models import RelationshipStatus, ResellerAssociation

    qs = IndirectPartnership.objects.filter(provider=provider).select_related("reseller").order_by(
        "status", "reseller__name", "id"
    )
    term = search.replace("\x00", "").strip()[:100]
    if term:
        qs = qs.filter(Q(reseller__name__icontains=term) | Q(reseller__mpn_id=term))
    page = Paginator(qs, per_page or RESELLERS_PAGE_SIZE).get_page(number)
    page.object_list = list(page.object_list)
    counts = dict(
        ResellerAssociation.objects.filter(
            provider=provider, status=RelationshipStatus.ACTIVE, reseller_id__in=[p.reseller_id for p in page]
        ).values("reseller_id").annotate(n=Count("id")).values_list("reseller_id", "n")
    )
    for partnership in page:
        partnership.customer_count = counts.get(partnership.reseller_id, 0)
    return page


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


def partnered_reseller_typed(*, provider: Tenant, text: str) -> Tenant | None:
    """The provider's partnered reseller whose MPN ID (or id) was typed; None for anybody else."""
    term = text.replace("\x00", "").strip()[:64]
    if not term:
        return None
    qs = partnered_resellers(provider=provider).only("id", "name", "mpn_id")
    try:
        return qs.filter(Q(mpn_id=term) | Q(id=term)).first()
    except (ValueError, ValidationError):  # not a UUID: the MPN ID alone
        return qs.filter(mpn_id=term).first()


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
