"""Seek paging of REST v1 collections, as Partner Center does it: the answer's `links.next` carries an
opaque `MS-ContinuationToken` header, and the caller sends it back (header, or the `continuationToken`
query parameter) for the next page.

The token wraps the list's own keyset cursor (customers.selectors) together with the filter it was made
under, so the next request needs nothing else; a token that is not ours is a 400. `totalCount` is the
number of items in the page (seek paging never counts the whole table)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from api.rest.serializers_common import link

HEADER = "MS-ContinuationToken"
QUERY = "continuationToken"
MAX_TOKEN = 2000


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


def collection(request: Request, items: list[dict], *, next_token: str | None, next_query: dict[str, Any]) -> dict:
    """The Collection body; `next_query` is the query of the next page's URI (the token goes in a header)."""
    links: dict[str, Any] = {"self": link(request.get_full_path())}
    if next_token:
        links["next"] = link(f"{request.path}?{urlencode(next_query)}" if next_query else request.path,
                             headers=[{"key": HEADER, "value": next_token}])
    return {"totalCount": len(items), "items": items, "links": links, "attributes": {"objectType": "Collection"}}
