"""Links to GDAP pages that rows of other pages show: built with one reverse() per process, then by
string formatting per row (the Customers list renders up to 50 rows per page)."""

from __future__ import annotations

import functools
from uuid import UUID

from django.urls import reverse

_SENTINEL = UUID(int=0)


@functools.cache
def _customer_page_parts() -> tuple[str, str]:
    head, _sep, tail = reverse("gdap:customer", kwargs={"customer_id": _SENTINEL}).partition(str(_SENTINEL))
    return head, tail


def customer_page_url(customer_id: object) -> str:
    """The customer's "Admin relationships" page."""
    head, tail = _customer_page_parts()
    return f"{head}{customer_id}{tail}"


def request_from_url(relationship_id: object) -> str:
    """"Request admin relationship" prefilled from an existing relationship (`?from=<id>`)."""
    return f"{reverse('gdap:request')}?from={relationship_id}"
