"""Seek paging of REST v1 collections, as Partner Center does it: the answer's `links.next` carries an
opaque `MS-ContinuationToken` header, and the caller sends it back (header, or the `continuationToken`
query parameter) for the next page. Every REST v1 list answers with `collection()`.

The token wraps the list's keyset cursor — the Customers list's own (customers.selectors), or for the
other lists `seek()`'s, the sort keys of the previous page's last row, signed — together with what the
list was filtered by, so the next request needs nothing else; a token that is not ours is a 400.
`totalCount` is the number of items in the page (seek paging never counts the whole table)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from api.rest.serializers_common import link

HEADER = "MS-ContinuationToken"
QUERY = "continuationToken"
MAX_TOKEN = 2000
SIZE_DEFAULT, SIZE_MAX = 100, 500

TOKEN_PARAMETER = OpenApiParameter(
    HEADER, str, OpenApiParameter.HEADER, required=False,
    description="The value of links.next.headers of the previous page: the page after it.")


class PageQuerySerializer(serializers.Serializer):
    """The query of every REST v1 list: the page size and the continuation token."""

    size = serializers.IntegerField(min_value=1, max_value=SIZE_MAX, default=SIZE_DEFAULT, required=False)
    continuationToken = serializers.CharField(required=False, max_length=MAX_TOKEN, help_text=(  # noqa: N815
        "The MS-ContinuationToken of the previous page, for callers that cannot send the header."))


def token_encode(cursor: str, extra: dict[str, Any]) -> str:
    raw = json.dumps({"c": cursor, **extra}, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def token_decode(token: str) -> tuple[str, dict[str, Any]]:
    """(cursor, extra) of a token we made; anything else is a 400 on `MS-ContinuationToken`."""
    try:
        if len(token) > MAX_TOKEN:
            raise ValueError
        data = json.loads(base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode()).decode())
        if not isinstance(data, dict) or not isinstance(data.get("c"), str) or not data["c"]:
            raise ValueError
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise token_invalid() from exc
    cursor = data.pop("c")
    return cursor, data


def token_invalid() -> ValidationError:
    return ValidationError({HEADER: [_("This continuation token is not valid: start again from the first page.")]})


def request_token(request: Request) -> str:
    return (request.headers.get(HEADER) or request.query_params.get(QUERY) or "").strip()


def _key_value(row: Any, key: str) -> Any:
    value = row
    for name in key.split("__"):
        value = getattr(value, name)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if isinstance(value, UUID) else value


def _after(keys: Sequence[str], values: Sequence[Any], descending: bool) -> Q:
    """Rows after `values` in `keys` order: (k1 > v1) or (k1 = v1 and k2 > v2) or … The redundant bound
    on the first key gives an index a start key."""
    op = "lt" if descending else "gt"
    after, equal = Q(), {}
    for key, value in zip(keys, values, strict=True):
        after |= Q(**equal, **{f"{key}__{op}": value})
        equal[key] = value
    return Q(**{f"{keys[0]}__{op}e": values[0]}) & after


def seek(qs: QuerySet, keys: Sequence[str], *, request: Request, size: int,
         descending: bool = False) -> tuple[list[Any], str | None]:
    """One page of `qs` in the order of `keys` (the last one unique, e.g. the id; all ascending, or all
    descending), after the row the request's token names; size + 1 rows read, no COUNT. Returns the rows
    and the next page's token (None on the last page). A token is good for the list (path) and partner it
    was made for only: another list's, another customer's or another partner's is a 400."""
    salt = f"api.rest.paging:{request.path}:{getattr(request.tenant, 'pk', '')}:" + ",".join(keys)
    token = request_token(request)
    if token:
        cursor, _extra = token_decode(token)
        try:
            values = signing.loads(cursor, salt=salt)
        except signing.BadSignature as exc:
            raise token_invalid() from exc
        if not isinstance(values, list) or len(values) != len(keys):
            raise token_invalid()
        qs = qs.filter(_after(keys, values, descending))
    rows = list(qs.order_by(*(f"-{key}" if descending else key for key in keys))[: size + 1])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    cursor = signing.dumps([_key_value(rows[-1], key) for key in keys], salt=salt)
    return rows, token_encode(cursor, {})


def collection(request: Request, items: list[dict], *, next_token: str | None,
               next_query: dict[str, Any] | None = None) -> dict:
    """The Collection body of every REST v1 list; `next_query` is the query of the next page's URI (the
    token goes in a header)."""
    links: dict[str, Any] = {"self": link(request.get_full_path())}
    if next_token:
        links["next"] = link(f"{request.path}?{urlencode(next_query)}" if next_query else request.path,
                             headers=[{"key": HEADER, "value": next_token}])
    return {"totalCount": len(items), "items": items, "links": links, "attributes": {"objectType": "Collection"}}
