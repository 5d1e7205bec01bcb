"""Reads of the bulk pages: the partner-wide "Admin relationships" list (keyset paging on the display
name, which the unique index on (partner, lower(display_name)) orders) and the items a bulk job is built
from — for "all matching", by running the page's own query again on the server, never from ids the
browser sent."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from customers import selectors as customer_selectors
from gdap.models import LIVE, AdminRelationship, RelationshipStatus
from partnercenter.errors import Invalid
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
    qs = relationships_matching(partner=partner, status=status, search=search)
    return _by_name(qs, _decode(cursor[:400]) if cursor else None, page_size)


def _by_name(qs: QuerySet, after: str | None, page_size: int) -> RelationshipPage:
    """The display-name keyset both lists share: the page after the name `after`, customer and roles."""
    qs = qs.annotate(lname=Lower("display_name"))
    if after is not None:
        qs = qs.filter(lname__gt=after)
    rows = list(qs.select_related("customer").prefetch_related("roles").order_by("lname")[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    return RelationshipPage(rows=rows, next_cursor=_encode(rows[-1].lname) if more and rows else None)


def _bad_cursor() -> Invalid:
    return Invalid(_("The $skiptoken is not one this list made: start again from the first page."),
                   field="$skiptoken")


def _after(cursor: str) -> str | None:
    """The last key of the previous page; a cursor this list did not make is refused (the API's 400)."""
    if not cursor:
        return None
    after = _decode(cursor[:400])
    if after is None or "\x00" in after:  # PostgreSQL text cannot hold NUL
        raise _bad_cursor()
    return after


def relationships_keyset(*, partner: Tenant, status: str = "", customer_id: Any = None, cursor: str = "",
                         page_size: int = PAGE_SIZE) -> RelationshipPage:
    """Graph's list (the API): the same display-name keyset, filtered by an exact status (any value of
    the enum, "" for all) and the customer's tenant id, with customer and roles; constant queries."""
    qs = AdminRelationship.objects.visible_to(partner).filter(partner=partner)
    if status:
        qs = qs.filter(status=status) if status in RelationshipStatus.values else qs.none()
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    return _by_name(qs, _after(cursor), page_size)


@dataclass
class CustomerPage:
    rows: list[Tenant]
    next_cursor: str | None


def _gdap_customers(partner: Tenant) -> QuerySet[Tenant]:
    held = AdminRelationship.objects.visible_to(partner).filter(partner=partner, status__in=list(LIVE))
    return Tenant.objects.filter(pk__in=held.values("customer_id"))


def gdap_customers_page(*, partner: Tenant, cursor: str = "", page_size: int = PAGE_SIZE) -> CustomerPage:
    """Graph's delegatedAdminCustomers: the customers the partner holds an active (or expiring) admin
    relationship with, in tenant-id order (keyset on the id); two queries whatever the size."""
    qs = _gdap_customers(partner)
    after = _after(cursor)
    if after is not None:
        try:
            qs = qs.filter(pk__gt=uuid.UUID(after))
        except ValueError:
            raise _bad_cursor() from None
    rows = list(qs.order_by("pk")[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    return CustomerPage(rows=rows, next_cursor=_encode(str(rows[-1].pk)) if more and rows else None)


def gdap_customer_get(*, partner: Tenant, customer_id: Any) -> Tenant:
    """One of those customers; NotFound for any other id (malformed, unknown, another partner's)."""
    from gdap.selectors import _one

    return _one(_gdap_customers(partner), customer_id)


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


@dataclass
class ChildPage:
    rows: list[Any]
    next_cursor: str | None


def children_page(qs: QuerySet, *, cursor: str = "", page_size: int = PAGE_SIZE) -> ChildPage:
    """A page of a relationship's requests, assignments or operations (an already scoped queryset) in
    creation order, keyset on (created_at, id); a cursor this list did not make is refused."""
    from django.utils.dateparse import parse_datetime

    after = _after(cursor)
    if after is not None:
        moment, _sep, pk = after.partition("|")
        try:  # a well-formed but impossible moment ("2020-13-45T…") raises instead of returning None
            when = parse_datetime(moment)
        except ValueError:
            when = None
        if when is None or when.tzinfo is None or not pk:
            raise _bad_cursor()
        try:
            qs = qs.filter(Q(created_at__gt=when) | Q(created_at=when, pk__gt=pk))
            rows = list(qs.order_by("created_at", "pk")[: page_size + 1])
        except (ValueError, TypeError, ValidationError):
            raise _bad_cursor() from None
    else:
        rows = list(qs.order_by("created_at", "pk")[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    last = rows[-1] if more and rows else None
    return ChildPage(rows=rows, next_cursor=_encode(f"{last.created_at.isoformat()}|{last.pk}") if last else None)


def child_get(qs: QuerySet, pk: Any) -> Any:
    """One row of such a scoped queryset; NotFound for a malformed or unknown id."""
    from gdap.selectors import _one

    return _one(qs, pk)
