"""The OData parts of Microsoft Graph the GDAP routes speak: `$top`, the small `$filter` grammar they
support, `$skiptoken` next links (absolute, built from the request's scheme and host, reused verbatim by
clients), `@odata.context`, `If-Match` (428 when missing, 412 when stale), and datetimes in UTC with Z."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from api.errors import PreconditionFailed, PreconditionRequired
from partnercenter.errors import Stale

TOP_DEFAULT = 100
TOP_MAX = 300
ROOT = "/v1.0/"
UNKNOWN_FUTURE_VALUE = "unknownFutureValue"


def bad_query(option: str, message: str) -> ValidationError:
    """A query option the route does not understand: 400 in Graph's shape, naming the option."""
    return ValidationError({option: [message]}, code="invalid")


def top(request: Request, *, default: int = TOP_DEFAULT, maximum: int = TOP_MAX) -> int:
    raw = request.query_params.get("$top")
    if raw is None:
        return default
    if not re.fullmatch(r"\d{1,6}", raw.strip()) or not 1 <= int(raw) <= maximum:
        raise bad_query("$top", _("$top must be a whole number from 1 to %(max)d.") % {"max": maximum})
    return int(raw)


def skiptoken(request: Request) -> str:
    return (request.query_params.get("$skiptoken") or "").strip()


@dataclass(frozen=True)
class RelationshipFilter:
    status: str = ""
    customer_id: uuid.UUID | None = None


_CLAUSE = re.compile(r"^\s*(?P<field>[A-Za-z/]+)\s+eq\s+'(?P<value>(?:[^']|'')*)'\s*$")
_FIELDS = {"status": "status", "customer/tenantid": "customer_id"}


def relationship_filter(request: Request, statuses: list[str]) -> RelationshipFilter:
    """`status eq '…'` and `customer/tenantId eq '…'`, alone or joined by `and`; anything else is a 400."""
    raw = (request.query_params.get("$filter") or "").strip()
    if not raw:
        return RelationshipFilter()
    found: dict[str, Any] = {}
    unsupported = _("Only “status eq '…'” and “customer/tenantId eq '…'” (joined by “and”) are supported.")
    for clause in re.split(r"\s+and\s+", raw, flags=re.IGNORECASE):
        match = _CLAUSE.match(clause)
        name = _FIELDS.get(match["field"].lower()) if match else None
        if match is None or name is None or name in found:
            raise bad_query("$filter", unsupported)
        value = match["value"].replace("''", "'")
        if name == "status":
            if value not in statuses and value != UNKNOWN_FUTURE_VALUE:
                raise bad_query("$filter", _("“%(value)s” is not a status of delegatedAdminRelationship.")
                                % {"value": value[:60]})
            found[name] = value
        else:
            try:
                found[name] = uuid.UUID(value)
            except ValueError:
                raise bad_query("$filter", _("customer/tenantId must be a tenant id (a GUID).")) from None
    return RelationshipFilter(**found)


def no_filter(request: Request) -> None:
    """Routes whose lists take no `$filter` say so instead of ignoring it."""
    if (request.query_params.get("$filter") or "").strip():
        raise bad_query("$filter", _("This list does not support $filter."))


def absolute(request: Request, path: str) -> str:
    return request.build_absolute_uri(path)


def context(request: Request, fragment: str) -> str:
    return absolute(request, ROOT + "$metadata") + "#" + fragment


def next_link(request: Request, cursor: str | None) -> str | None:
    """The same URL with `$skiptoken` replaced: `$top` and `$filter` carry over."""
    if not cursor:
        return None
    params = [(key, value) for key, value in request.query_params.items() if key != "$skiptoken"]
    params.append(("$skiptoken", cursor))
    return absolute(request, request.path) + "?" + urlencode(params, safe="$'/")


def page(request: Request, fragment: str, values: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"@odata.context": context(request, fragment), "value": values}
    link = next_link(request, cursor)
    if link:
        body["@odata.nextLink"] = link
    return body


def if_match(request: Request) -> str:
    """The caller's `If-Match`; a change without one is refused (428)."""
    value = (request.headers.get("If-Match") or "").strip()
    if not value:
        raise PreconditionRequired(_("This change needs an If-Match header with the object's @odata.etag."))
    return value


@contextmanager
def etag_guard() -> Iterator[None]:
    """A service's Stale (the etag is no longer the object's) answered as Graph does: 412."""
    try:
        yield
    except Stale as exc:
        raise PreconditionFailed(exc.message) from None


def when(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with Z (Graph's form; Python's fromisoformat reads it)."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
