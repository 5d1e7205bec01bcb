"""Where each on-behalf action is done: the page of the customer it links to from Service management.

The Users, Licenses and Service requests pages of a customer are their own apps (customerusers,
licenses, servicerequests); until an app routes its page, its name does not resolve and the action shows
without a link. services.read is Service management itself; services.manage has no page yet."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from gdap import access

ACTION_PAGES: dict[str, str] = {
    access.USERS_READ: "customerusers:list",
    access.USERS_MANAGE: "customerusers:list",
    access.USERS_PASSWORD_RESET: "customerusers:list",
    access.LICENSES_MANAGE: "licenses:list",
    access.SERVICE_REQUESTS_MANAGE: "servicerequests:customer_list",
}


def action_url(action: str, customer_id: Any) -> str | None:
    """The customer's page for `action`, None when it has none or it is not routed (yet)."""
    name = ACTION_PAGES.get(action)
    if name is None:
        return None
    try:
        return reverse(name, kwargs={"customer_id": customer_id})
    except NoReverseMatch:
        return None
