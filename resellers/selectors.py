"""Reads of the two-tier channel, always scoped to one provider or reseller (`visible_to`). Another
tenant's partnership or request is PartnershipNotFound (a 404)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from partnercenter.models import PartnerType, Tenant
from resellers.errors import PartnershipNotFound
from resellers.models import IndirectPartnership, PartnershipRequest, PartnershipRequestStatus, PartnershipStatus


def partnered_resellers(*, provider: Tenant) -> QuerySet[Tenant]:
    return Tenant.objects.filter(
        provider_partnerships__provider=provider, provider_partnerships__status=PartnershipStatus.ACTIVE
    ).order_by("name")


def as_provider(tenant: Tenant) -> Tenant | None:
    """The tenant when it is an indirect provider (its forms may name one of its resellers), else None."""
    return tenant if tenant.partner_type == PartnerType.INDIRECT_PROVIDER else None


def _active_as_provider(provider: Tenant) -> QuerySet[IndirectPartnership]:
    return IndirectPartnership.objects.visible_to(provider).filter(provider=provider, status=PartnershipStatus.ACTIVE)


def has_partnered_resellers(*, provider: Tenant) -> bool:
    return _active_as_provider(provider).exists()


def is_partnered_reseller(*, provider: Tenant, reseller_id: object) -> bool:
    try:
        return _active_as_provider(provider).filter(reseller_id=reseller_id).exists()
    except (ValueError, ValidationError):  # not even a UUID: certainly not a partnered reseller
        return False


SELECT_LIMIT = 300
RESELLERS_PAGE_SIZE = 50


def partnerships_page(*, provider: Tenant, search: str = "", number: object = 1, per_page: int = 0) -> Page:
    """A page of the provider's partnerships (active first, then by reseller name), found by the
    reseller's name or MPN ID. Each carries `customer_count`, the customers its reseller serves under
    this provider, counted for the page's rows only (a distributor has thousands of resellers)."""
    from customers.models import RelationshipStatus, ResellerAssociation

    qs = IndirectPartnership.objects.visible_to(provider).filter(provider=provider).select_related("reseller").order_by(
        "status", "reseller__name", "id"
    )
    term = search.replace("\x00", "").strip()[:100]
    if term:
        qs = qs.filter(Q(reseller__name__icontains=term) | Q(reseller__mpn_id=term))
    page = Paginator(qs, per_page or RESELLERS_PAGE_SIZE).get_page(number)
    page.object_list = list(page.object_list)
    counts = dict(
        ResellerAssociation.objects.visible_to(provider).filter(
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
    more = _active_as_provider(provider).order_by()
    try:
        return (
            partnered_resellers(provider=provider).only("id", "name", "mpn_id")
            .annotate(too_many_for_select=Exists(more[SELECT_LIMIT:]))
            .get(id=reseller_id)
        )
    except (Tenant.DoesNotExist, ValueError, ValidationError) as exc:
        raise PartnershipNotFound(_("Not found")) from exc


def partnered_reseller_or_none(*, provider: Tenant, reseller_id: object) -> Tenant | None:
    """The provider's partnered reseller with this id, or None (no id, another tenant, not a UUID)."""
    if not reseller_id:
        return None
    try:
        return partnered_resellers(provider=provider).filter(id=reseller_id).first()
    except (ValueError, ValidationError):
        return None


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


def partnered_provider_typed(*, reseller: Tenant, text: str) -> Tenant | None:
    """The reseller's indirect provider whose MPN ID (or id) was typed; None for anybody else."""
    term = text.replace("\x00", "").strip()[:64]
    if not term:
        return None
    qs = Tenant.objects.filter(reseller_partnerships__reseller=reseller,
                               reseller_partnerships__status=PartnershipStatus.ACTIVE).only("id", "name", "mpn_id")
    try:
        return qs.filter(Q(mpn_id=term) | Q(id=term)).first()
    except (ValueError, ValidationError):  # not a UUID: the MPN ID alone
        return qs.filter(mpn_id=term).first()


def reseller_partnerships(*, provider: Tenant) -> QuerySet[IndirectPartnership]:
    """The provider's active partnerships, by reseller name, with each reseller."""
    return _active_as_provider(provider).select_related("reseller").order_by("reseller__name", "id")


_MANY_FOR = 60.0  # seconds a provider found to have too many resellers for a drop-down is taken to have them
_many: dict[tuple, float] = {}  # (provider id, SELECT_LIMIT) -> until when (time.monotonic), per process


def reseller_filter_options(*, provider: Tenant, chosen: Tenant | None = None) -> list[Tenant] | None:
    """Partnered resellers for a drop-down, or None when there are too many for one (type instead).
    `chosen` is the reseller the page is filtered by, when it came from partnered_reseller().

    A provider found to have too many is taken to have them for _MANY_FOR seconds in this process, so the
    busiest page of the largest providers does not ask again on every view (it can only mean a type-in box
    for a minute after the count fell under the limit; either way the filter works)."""
    if getattr(chosen, "too_many_for_select", False):
        return None
    import time

    from partnercenter.sqlcache import shaped_rows, tenant_ref

    key = (provider.id, SELECT_LIMIT)
    if _many.get(key, 0.0) > time.monotonic():
        return None

    # First whether there are too many, from the partnership side (the 301st partnership in index order, if
    # any: one row at most); a name-ordered join over every tenant would be the slow way to learn that there
    # are 10,000.
    def beyond(v: dict) -> QuerySet:
        mine = _active_as_provider(tenant_ref(v["provider"], like=provider)).order_by()
        return mine.values_list("id")[SELECT_LIMIT: SELECT_LIMIT + 1]

    if shaped_rows(("reseller_filter_options", SELECT_LIMIT), beyond, {"provider": provider.id}):
        if len(_many) > 10_000:  # bounded: a process serving very many large providers starts afresh
            _many.clear()
        _many[key] = time.monotonic() + _MANY_FOR
        return None
    ids = list(_active_as_provider(provider).values_list("reseller_id", flat=True))
    if not ids:
        return []
    # Separate from the partnerships on purpose: joined, the planner hashes every tenant.
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


# --- Partnerships and their requests, for the provider's and the reseller's pages ------------------


def partnership_of(*, tenant: Tenant, other_id: object, as_provider: bool) -> IndirectPartnership:
    """The active partnership of this tenant (as provider, or as reseller) with the other one."""
    lookup = {"provider": tenant, "reseller_id": other_id} if as_provider else {"reseller": tenant,
                                                                                "provider_id": other_id}
    try:
        return IndirectPartnership.objects.visible_to(tenant).select_related("provider", "reseller").get(
            status=PartnershipStatus.ACTIVE, **lookup)
    except (IndirectPartnership.DoesNotExist, ValueError, ValidationError) as exc:
        raise PartnershipNotFound(_("Not found")) from exc


def provider_partnerships(*, reseller: Tenant) -> QuerySet[IndirectPartnership]:
    """The reseller's active partnerships, by provider name, with each provider's profile."""
    return (
        IndirectPartnership.objects.visible_to(reseller)
        .filter(reseller=reseller, status=PartnershipStatus.ACTIVE)
        .select_related("provider", "provider__profile").order_by("provider__name")
    )


def partnership_requests_recent(*, provider: Tenant, limit: int) -> list[PartnershipRequest]:
    """The provider's latest requests, newest first."""
    return list(
        PartnershipRequest.objects.visible_to(provider).filter(provider=provider)
        .select_related("reseller", "created_by", "accepted_reseller").order_by("-id")[:limit]
    )


def partnership_requests_pending_for(*, reseller: Tenant) -> list[PartnershipRequest]:
    """The open requests addressed to this reseller (by MPN ID), newest first; past-expiry ones and the
    reseller's own asks left out (those the provider answers)."""
    rows = (
        PartnershipRequest.objects.visible_to(reseller)
        .filter(reseller=reseller, status=PartnershipRequestStatus.PENDING, asked_by_reseller=False)
        .select_related("provider", "provider__profile").order_by("-id")
    )
    return [row for row in rows if row.effective_status == PartnershipRequestStatus.PENDING]


def provider_states_for(*, reseller: Tenant, provider_ids: list) -> dict:
    """For the directory's page: which of these providers the reseller is partnered with ("partnered")
    or has an open request with, either way ("requested"). Two queries whatever the page holds."""
    from django.utils import timezone

    requested = PartnershipRequest.objects.visible_to(reseller).filter(
        reseller=reseller, provider_id__in=provider_ids, status=PartnershipRequestStatus.PENDING,
        expires_at__gt=timezone.now(),
    ).values_list("provider_id", flat=True)
    partnered = IndirectPartnership.objects.visible_to(reseller).filter(
        reseller=reseller, provider_id__in=provider_ids, status=PartnershipStatus.ACTIVE,
    ).values_list("provider_id", flat=True)
    return {**dict.fromkeys(requested, "requested"), **dict.fromkeys(partnered, "partnered")}


def partnership_asks_pending_of(*, reseller: Tenant) -> list[PartnershipRequest]:
    """What this reseller asked providers for (the directory's "Request to partner") and is still open."""
    rows = (
        PartnershipRequest.objects.visible_to(reseller)
        .filter(reseller=reseller, status=PartnershipRequestStatus.PENDING, asked_by_reseller=True)
        .select_related("provider", "provider__profile").order_by("-id")
    )
    return [row for row in rows if row.effective_status == PartnershipRequestStatus.PENDING]


def _request_of(tenant: Tenant, request_id: object, *, related: str, **side: Tenant) -> PartnershipRequest:
    try:
        return PartnershipRequest.objects.visible_to(tenant).select_related(related).get(
            id=int(str(request_id)), **side)
    except (PartnershipRequest.DoesNotExist, ValueError, OverflowError) as exc:
        raise PartnershipNotFound(_("Not found")) from exc


def partnership_request_for_provider(*, provider: Tenant, request_id: object) -> PartnershipRequest:
    return _request_of(provider, request_id, related="reseller", provider=provider)


def partnership_request_for_reseller(*, reseller: Tenant, request_id: object) -> PartnershipRequest:
    """A request addressed to this reseller (by MPN ID), whatever its status."""
    return _request_of(reseller, request_id, related="provider", reseller=reseller)


def partnership_request_by_token(raw_token: str) -> PartnershipRequest | None:
    """The request a link opens; unknown and revoked links are None (the not-found page)."""
    from links.services import link_by_token

    request = link_by_token(PartnershipRequest, raw_token, related=("provider", "provider__profile", "reseller"))
    if request is None or request.status == PartnershipRequestStatus.REVOKED:
        return None
    return request


def partnership_request_recipient(request: PartnershipRequest) -> str:
    """Where the request's mail goes: its address, else the addressed reseller's first Global admin."""
    from partnercenter.roles import Role
    from partnercenter.selectors import tenant_users_with_roles

    if request.email:
        return request.email
    if request.reseller is None:
        return ""
    user = tenant_users_with_roles(tenant=request.reseller, roles=[Role.GLOBAL_ADMIN]).order_by("id").first()
    return user.email if user else ""
