"""Links to GDAP pages that other parts of the portal show only when the page is routed.

The pages are built by separate changes ("Admin relationships" of a customer: `gdap:customer` at
gdap/customers/<uuid:customer_id>/; "Request admin relationship": `gdap:request`). Until a page exists
its links are left out rather than pointing nowhere. Each name is resolved once per process: the
URLconf does not change while it runs."""

from __future__ import annotations

import functools
from uuid import UUID

from django.urls import NoReverseMatch, reverse

_SENTINEL = UUID(int=0)


@functools.cache
def _customer_page_parts() -> tuple[str, str] | None:
    try:
        url = reverse("gdap:customer", kwargs={"customer_id": _SENTINEL})
    except NoReverseMatch:
        return None
    head, _sep, tail = url.partition(str(_SENTINEL))
    return head, tail


def customer_page_url(customer_id: object) -> str | None:
    """The customer's "Admin relationships" page, or None while that page is not routed. Cheap per row
    (string formatting, no reverse())."""
    parts = _customer_page_parts()
    return f"{parts[0]}{customer_id}{parts[1]}" if parts else None


@functools.cache
def _request_page() -> str | None:
    try:
        return reverse("gdap:request")
    except NoReverseMatch:
        return None


def request_from_url(relationship_id: object) -> str | None:
    """"Request admin relationship" prefilled from an existing relationship (`?from=<id>`), or None while
    that form is not routed."""
    base = _request_page()
    return f"{base}?from={relationship_id}" if base else None
