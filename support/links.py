"""Where each on-behalf action is done: the page of the customer it links to from Service management.

The Users, Licenses and Service requests pages of a customer are their own apps (customerusers,
licenses, servicerequests). services.read is Service management itself; services.manage has no page of its
own (it is what those pages do), so it shows without a link."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from gdap import access

ACTION_PAGES: dict[str, str] = {
    access.USERS_READ: "customerusers:list",
    access.USERS_MANAGE: "customerusers:list",
    access.USERS_PASSWORD_RESET: "customerusers:list",
    access.LICENSES_MANAGE: "licenses:customer",
    access.SERVICE_REQUESTS_MANAGE: "servicerequests:customer",
}


def action_url(action: str, customer_id: Any) -> str | None:
    """The customer's page for `action`, None when it has none."""
    name = ACTION_PAGES.get(action)
    return None if name is None else reverse(name, kwargs={"customer_id": customer_id})
