"""Reads of the directory. The provider's own listing is read through its tenant (never an id from the
request); the public page reads published listings only."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django_countries import countries

from directory.models import Listing, ListingState, PublishedLocation
from partnercenter.models import Tenant

PAGE_SIZE = 24
SEARCH_MAX = 100


def listing_of(*, tenant: Tenant) -> Listing | None:
    return Listing.objects.visible_to(tenant).filter(tenant=tenant).first()


def _public() -> QuerySet[Listing]:
    return Listing.objects.filter(published_listed=True, published_at__isnull=False)


def directory_page(*, search: str = "", country: str = "", number: object = 1, per_page: int = PAGE_SIZE) -> Page:
    """One page of listed providers by name, with their published locations: three queries whatever
    the page holds (count, rows, locations). The name search uses the trigram index on PostgreSQL
    (migration 0002); the country filter is an EXISTS on the (country, listing) index."""
    qs = _public().only("id", "tenant_id", "published_name", "published_logo", "published_at")
    term = search.replace("\x00", "").strip()[:SEARCH_MAX]
    if term:
        qs = qs.filter(published_name__icontains=term)
    code = country.strip().upper()[:2]
    if code and code in dict(countries):  # an unknown code filters nothing (it is not kept either)
        qs = qs.filter(Exists(PublishedLocation.objects.filter(listing=OuterRef("pk"), country=code)))
    qs = qs.order_by("published_name", "id").prefetch_related(
        Prefetch("published_locations", queryset=PublishedLocation.objects.order_by("position", "id")))
    page = Paginator(qs, per_page).get_page(number)
    page.object_list = list(page.object_list)
    return page


def directory_countries() -> list[tuple[str, str]]:
    """The countries listed providers serve, by name, for the country filter (one query)."""
    codes = (PublishedLocation.objects.filter(listing__published_listed=True, listing__published_at__isnull=False)
             .order_by().values_list("country", flat=True).distinct())
    names = dict(countries)
    return sorted(((code, str(names.get(code, code))) for code in codes), key=lambda item: item[1])


def public_listing(*, listing_id: object) -> Listing | None:
    try:
        return _public().select_related("tenant").filter(pk=int(str(listing_id))).first()
    except (ValueError, OverflowError):
        return None


def pending_listings() -> QuerySet[Listing]:
    """The operator's queue: oldest submission first."""
    return Listing.objects.filter(state=ListingState.PENDING).select_related("tenant").order_by("submitted_at", "id")
