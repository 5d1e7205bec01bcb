"""Reads for the Customers workspace, always scoped to the partner tenant.

The list pages with a keyset (seek) cursor: no OFFSET and no COUNT(*) over the whole table, so a
partner with 200,000 customers pays the same per page as one with 1,000.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, CharField, OuterRef, Q, QuerySet, Subquery, UUIDField, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import Http404
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy

from customers.models import (
    CustomerAgreement,
    DelegatedAdminPermission,
    RelationshipStatus,
    ResellerAssociation,
    ResellerRelationship,
)
from partnercenter.csvexport import EXPORT_CHUNK
from partnercenter.domains import domain_to_unicode, search_term_to_ascii
from partnercenter.errors import NotFound
from partnercenter.models import PartnerType, Tenant

SORTS = {
    "name": ("customer_name", "id"),
    "-name": ("-customer_name", "-id"),
    "date": ("created_at", "id"),
    "-date": ("-created_at", "-id"),
}
DEFAULT_SORT = "name"


def customer_relationships(
    *, partner: Tenant, search: str = "", prefix: bool = False, reseller: Tenant | None = None,
    provider: Tenant | None = None,
) -> QuerySet[ResellerRelationship]:
    """`search` matches inside the name or domain, or with `prefix` at their start only (the API's
    filter "starts_with"); `reseller`: a provider's customers that this reseller serves; `provider`: a
    reseller's customers that it serves under this indirect provider."""
    qs = ResellerRelationship.objects.visible_to(partner).filter(status=RelationshipStatus.ACTIVE).select_related(
        "customer"
    )
    if provider is not None:
        qs = qs.filter(customer_id__in=ResellerAssociation.objects.visible_to(partner).filter(
            provider=provider, reseller=partner, status=RelationshipStatus.ACTIVE
        ).values("customer_id"))
    if reseller is not None:
        # A subquery the planner runs first: a reseller's few customers, then their rows by index.
        qs = qs.filter(customer_id__in=ResellerAssociation.objects.visible_to(partner).filter(
            provider=partner, reseller=reseller, status=RelationshipStatus.ACTIVE
        ).values("customer_id"))
    term = search.replace("\x00", "").strip()[:100]  # PostgreSQL text cannot hold NUL
    if term:
        # On the relationship's own copies: the trigram indexes (on UPPER(column)) find the matches without
        # a join, a prefix (UPPER(column) LIKE 'TERM%') as well as a part.
        lookup = "istartswith" if prefix else "icontains"
        condition = Q(**{f"customer_name__{lookup}": term}) | Q(**{f"customer_domain__{lookup}": term.lower()})
        # Someone typing a Unicode domain finds the punycode we store.
        ascii_domain = search_term_to_ascii(term)
        if ascii_domain:
            condition |= Q(**{f"customer_domain__{lookup}": ascii_domain})
        qs = qs.filter(condition)
    return qs


@dataclass(frozen=True, slots=True)
class CustomerRef:
    id: UUID
    name: str
    primary_domain: str

    @property
    def domain_display(self) -> str:
        return domain_to_unicode(self.primary_domain)


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """A line of the Customers list and its export: what they show and what the cursor needs. Plain
    values, not model instances: building two models per row was a twentieth of the page."""

    id: int
    customer_id: UUID
    customer_name: str
    created_at: datetime
    customer: CustomerRef
    has_dap: bool
    indirect_reseller: str
    via_provider: str
    role: str = "reseller"  # customers.models.RelationshipRole
    indirect_reseller_id: UUID | None = None  # only with reseller_ids=True (the API's associatedPartnerId)


_ROW_COLUMNS = ("id", "customer_id", "customer_name", "created_at", "customer__name", "customer__primary_domain",
                "has_dap", "indirect_reseller", "via_provider", "role")


def _rows(qs: QuerySet[ResellerRelationship], *, chunk: int = 0, reseller_ids: bool = False) -> Iterator[CustomerRow]:
    """The rows of a list query (with _with_dap and _with_channel); `chunk` streams them in chunks."""
    values = qs.values_list(*_ROW_COLUMNS, *(("indirect_reseller_id",) if reseller_ids else ()))
    for row_id, customer_id, sort_name, created_at, name, domain, has_dap, reseller, via, *more in (
        values.iterator(chunk_size=chunk) if chunk else values
    ):
        yield CustomerRow(row_id, customer_id, sort_name, created_at, CustomerRef(customer_id, name, domain),
                          has_dap, reseller, via, *more)


@dataclass
class Page:
    rows: list[CustomerRow]
    next_cursor: str | None
    prev_cursor: str | None
    has_previous: bool


class InvalidCursor(Http404):
    """A `cursor=` that this list did not make (edited, truncated or forged)."""


def _encode(values: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(data, dict):
            raise ValueError
        return data
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor from exc


def _key(row: CustomerRow | ResellerRelationship, sort: str) -> dict[str, Any]:
    if sort.lstrip("-") == "name":
        return {"v": row.customer_name, "id": row.id}
    return {"v": row.created_at.isoformat(), "id": row.id}


def _seek(qs: QuerySet[ResellerRelationship], sort: str, key: dict[str, Any], forward: bool) -> QuerySet:
    field = "customer_name" if sort.lstrip("-") == "name" else "created_at"
    value: Any = key.get("v")
    try:
        if field == "created_at":
            value = parse_datetime(str(value)) if value else None
            if not isinstance(value, datetime):
                raise InvalidCursor
        elif not isinstance(value, str) or "\x00" in value:
            raise InvalidCursor
        row_id = int(key.get("id"))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError) as exc:
        # A cursor is ours only if it decodes to sane values; anything else was made up.
        raise InvalidCursor from exc
    if not -(2**63) < row_id < 2**63:
        raise InvalidCursor
    descending = sort.startswith("-")
    after = descending != forward  # going forward on a descending sort means "less than"
    op = "gt" if after else "lt"
    # The redundant bound (>= / <=) gives the index a start key; without it the scan begins at "A".
    bound = {f"{field}__{op}e": value}
    return qs.filter(**bound).filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"id__{op}": row_id}))


def customers_page(
    *, partner: Tenant, search: str = "", prefix: bool = False, sort: str = DEFAULT_SORT, cursor: str = "",
    direction: str = "next", page_size: int = 50, reseller: Tenant | None = None, provider: Tenant | None = None,
    reseller_ids: bool = False,
) -> Page:
    """One page of the partner's customers. Constant number of queries whatever the size. `prefix`: the
    search matches the start of the name or domain only. `reseller_ids`: each row's `indirect_reseller_id`
    too (an indirect provider's reseller serving the customer)."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    qs = _listed(partner=partner, search=search, prefix=prefix, reseller=reseller, provider=provider,
                 reseller_ids=reseller_ids)
    forward = direction != "prev"
    if cursor:
        qs = _seek(qs, sort, _decode(cursor), forward)
    ordering = SORTS[sort]
    if not forward:
        ordering = tuple(o[1:] if o.startswith("-") else f"-{o}" for o in ordering)
    rows = list(_rows(qs.order_by(*ordering)[: page_size + 1], reseller_ids=reseller_ids))
    more = len(rows) > page_size
    rows = rows[:page_size]
    if not forward:
        rows.reverse()
    has_next = more if forward else bool(cursor)
    has_previous = bool(cursor) if forward else more
    return Page(
        rows=rows,
        next_cursor=_encode(_key(rows[-1], sort)) if rows and has_next else None,
        prev_cursor=_encode(_key(rows[0], sort)) if rows and has_previous else None,
        has_previous=has_previous,
    )


def _with_dap(qs: QuerySet[ResellerRelationship], partner: Tenant) -> QuerySet[ResellerRelationship]:
    """Whether the partner holds admin permissions for each row's customer, in the same query.

    A scalar subquery, not EXISTS: PostgreSQL may plan an EXISTS as one hash over all the partner's
    permissions (20,000 rows at 200k customers) because it does not count on the LIMIT. A scalar
    subquery runs once per returned row, after any sort."""
    granted = DelegatedAdminPermission.objects.filter(
        partner=partner, customer_id=OuterRef("customer_id"), status=RelationshipStatus.ACTIVE
    ).values(flag=Value(True, output_field=BooleanField()))[:1]
    return qs.annotate(has_dap=Coalesce(Subquery(granted), Value(False)))


def relationship_label(row: CustomerRow | ResellerRelationship) -> str:
    """The "Relationship" column (list, row details and export) in the reader's language."""
    from django.utils.translation import gettext as _

    if getattr(row, "role", "reseller") == "advisor":
        return _("Advisor")
    via = getattr(row, "via_provider", "")
    return _("Reseller via indirect provider (%(provider)s)") % {"provider": via} if via else _("Reseller")


def _with_channel(
    qs: QuerySet[ResellerRelationship], partner: Tenant, reseller: Tenant | None = None
) -> QuerySet[ResellerRelationship]:
    """Each row's two-tier channel as this partner sees it, in the same query (a scalar subquery per
    returned row): `indirect_reseller`, the reseller serving the customer under this provider, as
    "Name (MPN ID)"; `via_provider`, the provider through which this reseller reaches the customer."""
    empty = Value("", output_field=CharField())
    active = ResellerAssociation.objects.filter(customer_id=OuterRef("customer_id"), status=RelationshipStatus.ACTIVE)
    if reseller is not None:  # filtered by one reseller: every row is that reseller's, no need to ask
        return qs.annotate(indirect_reseller=Value(f"{reseller.name} ({reseller.mpn_id})", output_field=CharField()),
                           via_provider=empty)
    if partner.partner_type == PartnerType.INDIRECT_PROVIDER:
        label = Concat("reseller__name", Value(" ("), "reseller__mpn_id", Value(")"), output_field=CharField())
        served = active.filter(provider=partner).values(label=label)[:1]  # one per provider (a constraint)
        return qs.annotate(indirect_reseller=Coalesce(Subquery(served), empty), via_provider=empty)
    if partner.partner_type == PartnerType.INDIRECT_RESELLER:
        through = active.filter(reseller=partner).order_by("id").values("provider__name")[:1]
        return qs.annotate(indirect_reseller=empty, via_provider=Coalesce(Subquery(through), empty))
    return qs.annotate(indirect_reseller=empty, via_provider=empty)  # a direct-bill partner has no channel


def _with_reseller_id(
    qs: QuerySet[ResellerRelationship], partner: Tenant, reseller: Tenant | None
) -> QuerySet[ResellerRelationship]:
    """`indirect_reseller_id`: the id of the reseller that _with_channel names (providers only)."""
    if reseller is not None:
        return qs.annotate(indirect_reseller_id=Value(reseller.id, output_field=UUIDField()))
    if partner.partner_type != PartnerType.INDIRECT_PROVIDER:
        return qs.annotate(indirect_reseller_id=Value(None, output_field=UUIDField()))
    served = ResellerAssociation.objects.filter(customer_id=OuterRef("customer_id"), provider=partner,
                                                status=RelationshipStatus.ACTIVE).values("reseller_id")[:1]
    return qs.annotate(indirect_reseller_id=Subquery(served, output_field=UUIDField()))


def _listed(*, partner: Tenant, search: str = "", prefix: bool = False, reseller: Tenant | None = None,
            provider: Tenant | None = None, reseller_ids: bool = False) -> QuerySet[ResellerRelationship]:
    """The partner's relationships as the list shows them: with admin permissions and channel."""
    qs = customer_relationships(partner=partner, search=search, prefix=prefix, reseller=reseller, provider=provider)
    qs = _with_channel(_with_dap(qs, partner), partner, reseller)
    return _with_reseller_id(qs, partner, reseller) if reseller_ids else qs


EXPORT_COLUMNS = ("customer_id_text", "customer__name", "customer__primary_domain", "via_provider",
                  "indirect_reseller", "role")


def customers_export_rows(
    *, partner: Tenant, search: str = "", reseller: Tenant | None = None, chunk: int = EXPORT_CHUNK
) -> Iterator[tuple]:
    """Every row of the list (or of the current filter) with its channel, streamed
    (partnercenter/dbstream.py), as tuples of EXPORT_COLUMNS (the tenant id as text, as PostgreSQL
    writes a uuid): the export shows no admin permissions, so it does not ask for them, and builds no
    objects."""
    from partnercenter.dbstream import stream_values

    qs = _with_channel(customer_relationships(partner=partner, search=search, reseller=reseller), partner, reseller)
    return stream_values(qs.annotate(customer_id_text=Cast("customer_id", output_field=CharField()))
                         .order_by("customer_name", "id"), *EXPORT_COLUMNS, size=chunk)


def customer_for_partner(*, partner: Tenant, customer_id: object, reseller_ids: bool = False) -> ResellerRelationship:
    """The partner's active relationship with this customer; 404 for anybody else's customer."""
    try:
        return _listed(partner=partner, reseller_ids=reseller_ids).get(customer_id=customer_id)
    except (ResellerRelationship.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise NotFound(gettext_lazy("Not found")) from exc


def customer_agreement(*, partner: Tenant, customer: Tenant) -> CustomerAgreement | None:
    """The customer's agreement, if the partner may see it (an active customer of the partner)."""
    return CustomerAgreement.objects.visible_to(partner).filter(customer=customer).select_related("recorded_by").first()


def dap_services(*, partner: Tenant, customer: Tenant) -> list[DelegatedAdminPermission]:
    return list(
        DelegatedAdminPermission.objects.visible_to(partner).filter(customer=customer, status=RelationshipStatus.ACTIVE)
    )


# --- Remove reseller relationship (F5) ------------------------------------------------------------


def removal_blocking_subscriptions(*, partner: Tenant, customer: Tenant) -> list:
    """Active subscriptions bought through this partner: they must be suspended or cancelled before
    the relationship can end (suspended and cancelled ones don't block)."""
    from subscriptions.models import Subscription, SubscriptionStatus

    return list(
        Subscription.objects.visible_to(partner).filter(customer=customer, status=SubscriptionStatus.ACTIVE)
        .select_related("offer").order_by("offer__name", "created_at", "id")
    )


@dataclass
class RemovalSummary:
    """What the confirmation page of "Remove reseller relationship" shows, read in a few queries."""

    blocking: list
    dap: list[DelegatedAdminPermission]
    associations: list[ResellerAssociation]
    # GDAP does not exist yet. Its relationships survive a removal (seed 003); once they exist, this
    # lists the ones that remain, and the page says they are ended separately.
    gdap: list


def removal_summary(*, partner: Tenant, customer: Tenant) -> RemovalSummary:
    return RemovalSummary(
        blocking=removal_blocking_subscriptions(partner=partner, customer=customer),
        dap=dap_services(partner=partner, customer=customer),
        associations=list(
            ResellerAssociation.objects.visible_to(partner)
            .filter(customer=customer, provider=partner, status=RelationshipStatus.ACTIVE)
            .select_related("reseller").order_by("reseller__name")
        ),
        gdap=[],
    )


def relationship_to_remove(*, partner: Tenant, customer_id: object) -> tuple[ResellerRelationship | None, Tenant]:
    """The partner's active relationship with this customer, or (None, customer) when the partner's
    relationship with it has been removed already (a stale page gets a message, not a 404). Anybody
    else's customer, or an id that is not one, is a 404."""
    try:
        rows = list(
            ResellerRelationship.objects.visible_to(partner).filter(customer_id=customer_id)
            .select_related("customer").order_by("status", "-id")[:1]  # "active" sorts before "removed"
        )
    except (ValueError, TypeError, ValidationError) as exc:
        raise NotFound(gettext_lazy("Not found")) from exc
    if not rows:
        raise NotFound(gettext_lazy("Not found"))
    row = rows[0]
    return (row if row.status == RelationshipStatus.ACTIVE else None), row.customer
