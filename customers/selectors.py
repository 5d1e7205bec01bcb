"""Reads for the Customers workspace, always scoped to the partner tenant.

The list pages with a keyset (seek) cursor: no OFFSET and no COUNT(*) over the whole table, so a
partner with 200,000 customers pays the same per page as one with 1,000.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
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
    term = search.replace("\x00", "").strip()[:100]  # PostgreSQL text cannot hold NUL
    # Someone typing a Unicode domain finds the punycode we store.
    return _relationships(partner=partner, term=term, term_lower=term.lower(),
                          ascii_domain=search_term_to_ascii(term) if term else None, prefix=prefix,
                          reseller=reseller, provider=provider)


def _relationships(*, partner: Tenant, term: str | None, term_lower: str | None, ascii_domain: str | None,
                   prefix: bool, reseller: Tenant | None, provider: Tenant | None) -> QuerySet[ResellerRelationship]:
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
    if term:
        # On the relationship's own copies: the trigram indexes (on UPPER(column)) find the matches without
        # a join, a prefix (UPPER(column) LIKE 'TERM%') as well as a part.
        lookup = "istartswith" if prefix else "icontains"
        condition = Q(**{f"customer_name__{lookup}": term}) | Q(**{f"customer_domain__{lookup}": term_lower})
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
    gdap: dict[str, int] | None = None  # only with gdap=True: {"active", "expiring", "pending"} counts


# The customer's name and domain are the relationship's copies (a database trigger keeps them in step with
# the tenant, customers/migrations/0006): the list reads its rows without joining the tenants.
_ROW_COLUMNS = ("id", "customer_id", "customer_name", "created_at", "customer_domain", "has_dap",
                "indirect_reseller", "via_provider", "role")


def _rows(qs: QuerySet[ResellerRelationship], *, chunk: int = 0, reseller_ids: bool = False) -> Iterator[CustomerRow]:
    """The rows of a list query (with _with_dap and _with_channel); `chunk` streams them in chunks."""
    values = qs.values_list(*_ROW_COLUMNS, *(("indirect_reseller_id",) if reseller_ids else ()))
    for row in values.iterator(chunk_size=chunk) if chunk else values:
        yield _row(row, reseller_ids=reseller_ids)


def _row(values: tuple, *, reseller_ids: bool = False, gdap: Callable[[str], dict] | None = None) -> CustomerRow:
    """A CustomerRow of a values_list row of _ROW_COLUMNS, then indirect_reseller_id and the GDAP summary
    when asked for (`gdap`: gdap.selectors.gdap_summary_counts, which reads it)."""
    row_id, customer_id, name, created_at, domain, has_dap, reseller, via, role, *more = values
    reseller_id = more.pop(0) if reseller_ids else None
    counts = gdap(more[0]) if gdap else None
    return CustomerRow(row_id, customer_id, name, created_at, CustomerRef(customer_id, name, domain), has_dap,
                       reseller, via, role, reseller_id, counts)


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


def _seek_position(sort: str, key: dict[str, Any]) -> tuple[Any, int]:
    """The cursor's (sort value, row id), checked: a cursor is ours only if it decodes to sane values;
    anything else was made up."""
    value: Any = key.get("v")
    try:
        if sort.lstrip("-") != "name":
            value = parse_datetime(str(value)) if value else None
            if not isinstance(value, datetime):
                raise InvalidCursor
        elif not isinstance(value, str) or "\x00" in value:
            raise InvalidCursor
        row_id = int(key.get("id"))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidCursor from exc
    if not -(2**63) < row_id < 2**63:
        raise InvalidCursor
    return value, row_id


def _seek(qs: QuerySet[ResellerRelationship], sort: str, value: Any, row_id: int, forward: bool) -> QuerySet:
    field = "customer_name" if sort.lstrip("-") == "name" else "created_at"
    descending = sort.startswith("-")
    after = descending != forward  # going forward on a descending sort means "less than"
    op = "gt" if after else "lt"
    # The redundant bound (>= / <=) gives the index a start key; without it the scan begins at "A".
    bound = {f"{field}__{op}e": value}
    return qs.filter(**bound).filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"id__{op}": row_id}))


def customers_page(
    *, partner: Tenant, search: str = "", prefix: bool = False, sort: str = DEFAULT_SORT, cursor: str = "",
    direction: str = "next", page_size: int = 50, reseller: Tenant | None = None, provider: Tenant | None = None,
    reseller_ids: bool = False, gdap: bool = False, reseller_names: bool = True,
) -> Page:
    """One page of the partner's customers. Constant number of queries whatever the size: one. `prefix`:
    the search matches the start of the name or domain only. `reseller_ids`: each row's
    `indirect_reseller_id` too (an indirect provider's reseller serving the customer); `reseller_names=False`:
    not that reseller's "Name (MPN ID)" (`indirect_reseller` is "": the API reads only the id, and the name
    was a subquery joining the tenants per row). `gdap`: each row's
    GDAP summary (gdap.selectors.gdap_summary_column) in `row.gdap`.

    The query is compiled once per shape (partnercenter.sqlcache): at 50 rows, building and compiling it
    through the ORM cost more than PostgreSQL spends running it."""
    from django.utils import timezone

    from partnercenter.sqlcache import shaped_rows, tenant_ref

    sort = sort if sort in SORTS else DEFAULT_SORT
    forward = direction != "prev"
    seek_value, seek_id = _seek_position(sort, _decode(cursor)) if cursor else (None, None)
    term = search.replace("\x00", "").strip()[:100]  # PostgreSQL text cannot hold NUL
    values = {
        "partner": partner.id, "reseller": reseller.id if reseller else None,
        "reseller_label": reseller_label(reseller) if reseller else None, "provider": provider.id if provider else None,
        "term": term or None, "term_lower": term.lower() or None,
        "ascii_domain": (search_term_to_ascii(term) or None) if term else None,
        "seek_value": seek_value, "seek_id": seek_id, "now": timezone.now() if gdap else None,
    }
    shape = ("customers_page", partner.kind, partner.partner_type, sort, forward, page_size, prefix, reseller_ids,
             gdap, reseller_names)

    def build(v: dict[str, Any]) -> QuerySet:
        us = tenant_ref(v["partner"], like=partner)
        them = tenant_ref(v["reseller"], like=reseller) if v["reseller"] else None
        via = tenant_ref(v["provider"], like=provider) if v["provider"] else None
        qs = _relationships(partner=us, term=v["term"], term_lower=v["term_lower"], ascii_domain=v["ascii_domain"],
                            prefix=prefix, reseller=them, provider=via)
        qs = _with_channel(_with_dap(qs, us), us, them, label=v["reseller_label"], names=reseller_names)
        if reseller_ids:
            qs = _with_reseller_id(qs, us, them)
        extra: tuple[str, ...] = ("indirect_reseller_id",) if reseller_ids else ()
        if gdap:
            from gdap.selectors import gdap_summary_column

            qs, extra = qs.annotate(gdap_summary=gdap_summary_column(partner=us, now=v["now"])), (*extra, "gdap_summary")
        if v["seek_value"] is not None:
            qs = _seek(qs, sort, v["seek_value"], v["seek_id"], forward)
        ordering = SORTS[sort]
        if not forward:
            ordering = tuple(o[1:] if o.startswith("-") else f"-{o}" for o in ordering)
        return qs.order_by(*ordering).values_list(*_ROW_COLUMNS, *extra)[: page_size + 1]

    from gdap.selectors import gdap_summary_counts

    summary = gdap_summary_counts if gdap else None
    rows = [_row(values_row, reseller_ids=reseller_ids, gdap=summary) for values_row in shaped_rows(shape, build, values)]
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


def reseller_label(reseller: Tenant) -> str:
    """How the list names an indirect reseller: "Name (MPN ID)"."""
    return f"{reseller.name} ({reseller.mpn_id})"


def _with_channel(
    qs: QuerySet[ResellerRelationship], partner: Tenant, reseller: Tenant | None = None, *, label: str | None = None,
    names: bool = True,
) -> QuerySet[ResellerRelationship]:
    """Each row's two-tier channel as this partner sees it, in the same query (a scalar subquery per
    returned row): `indirect_reseller`, the reseller serving the customer under this provider, as
    "Name (MPN ID)"; `via_provider`, the provider through which this reseller reaches the customer."""
    empty = Value("", output_field=CharField())
    active = ResellerAssociation.objects.filter(customer_id=OuterRef("customer_id"), status=RelationshipStatus.ACTIVE)
    if reseller is not None:  # filtered by one reseller: every row is that reseller's, no need to ask
        return qs.annotate(indirect_reseller=Value(label if label is not None else reseller_label(reseller),
                                                   output_field=CharField()), via_provider=empty)
    if partner.partner_type == PartnerType.INDIRECT_PROVIDER and not names:
        return qs.annotate(indirect_reseller=empty, via_provider=empty)
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


EXPORT_COLUMNS = ("customer_id_text", "customer_name", "customer_domain", "via_provider",
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
