"""Reads of the bulk pages: the partner-wide "Admin relationships" list (keyset paging on the display
name, which the unique index on (partner, lower(display_name)) orders) and the items a bulk job is built
from — for "all matching", by running the page's own query again on the server, never from ids the
browser sent."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from customers import selectors as customer_selectors
from gdap.models import AdminRelationship, RelationshipStatus
from partnercenter.models import Tenant

PAGE_SIZE = 50
ITEM_CHUNK = 2000


def _term(value: str) -> str:
    return (value or "").replace("\x00", "").strip()[:100]


def relationships_matching(*, partner: Tenant, status: str = "", search: str = "") -> QuerySet[AdminRelationship]:
    """The partner's relationships with this status ("" for every status) whose display name or customer
    name contains `search`."""
    qs = AdminRelationship.objects.visible_to(partner)
    if status in RelationshipStatus.values:
        qs = qs.filter(status=status)
    term = _term(search)
    if term:
        qs = qs.filter(Q(display_name__icontains=term) | Q(customer__name__icontains=term))
    return qs


@dataclass
class RelationshipPage:
    rows: list[AdminRelationship]
    next_cursor: str | None


def _encode(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode().rstrip("=")


def _decode(cursor: str) -> str | None:
    try:
        return base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
    except (ValueError, UnicodeDecodeError):
        return None  # an edited link: the first page


def relationships_page(*, partner: Tenant, status: str = "", search: str = "", cursor: str = "",
                       page_size: int = PAGE_SIZE) -> RelationshipPage:
    """One page in display-name order (case-insensitive, unique per partner: the cursor is the last
    name), with customer and roles; a constant number of queries, no COUNT."""
    qs = relationships_matching(partner=partner, status=status, search=search).annotate(lname=Lower("display_name"))
    after = _decode(cursor[:400]) if cursor else None
    if after is not None:
        qs = qs.filter(lname__gt=after)
    rows = list(qs.select_related("customer").prefetch_related("roles").order_by("lname")[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    return RelationshipPage(rows=rows, next_cursor=_encode(rows[-1].lname) if more and rows else None)


def relationship_items(*, partner: Tenant, ids: list[Any] | None = None, status: str = "",
                       search: str = "") -> Iterator[tuple[str, str]]:
    """(relationship id, display name) of the chosen ids (the partner's only), or of every match."""
    qs = relationships_matching(partner=partner, status=status, search=search) if ids is None \
        else AdminRelationship.objects.visible_to(partner).filter(pk__in=ids)
    for pk, name in qs.order_by(Lower("display_name")).values_list("pk", "display_name").iterator(
            chunk_size=ITEM_CHUNK):
        yield str(pk), name


def customer_items(*, partner: Tenant, ids: list[Any] | None = None, search: str = "",
                   reseller: Tenant | None = None) -> Iterator[tuple[str, str]]:
    """(customer id, name) of the chosen ids (the partner's active customers only), or of every customer
    the Customers list shows for this search and reseller filter (its own query, customers.selectors)."""
    qs = customer_selectors.customer_relationships(partner=partner, search=search, reseller=reseller)
    if ids is not None:
        qs = qs.filter(customer_id__in=ids)
    for pk, name in qs.order_by("customer_name", "id").values_list("customer_id", "customer__name").iterator(
            chunk_size=ITEM_CHUNK):
        yield str(pk), name


def customer_count(*, partner: Tenant, ids: list[Any] | None = None, search: str = "",
                   reseller: Tenant | None = None) -> int:
    """How many customers a selection holds (the confirmation page; the list itself never counts)."""
    qs = customer_selectors.customer_relationships(partner=partner, search=search, reseller=reseller)
    return (qs.filter(customer_id__in=ids) if ids is not None else qs).count()


def relationship_count(*, partner: Tenant, ids: list[Any] | None = None, status: str = "", search: str = "") -> int:
    qs = relationships_matching(partner=partner, status=status, search=search) if ids is None \
        else AdminRelationship.objects.visible_to(partner).filter(pk__in=ids)
    return qs.count()
