"""The portal's own rate limits, counted like allauth's (ACCOUNT_RATE_LIMITS, the cache, the client
address of partnercenter.clientip) and answered with the localised 429 page."""

from __future__ import annotations

from allauth.core.internal import ratelimit as _allauth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Not-found look-ups of relationship and partnership links (and sign-up confirmation links).
LINK_PROBE = "link_not_found"
# Posts of the customer sign-up form on a relationship request's page.
CUSTOMER_SIGNUP = "customer_signup"


def exhausted(request: HttpRequest, action: str, *, key: str | None = None) -> bool:
    """True when the limit is used up (nothing is counted)."""
    return _allauth.consume(request, app="allauth.account", action=action, key=key, dry_run=True,
                            limit_get=True) is None


def hit(request: HttpRequest, action: str, *, key: str | None = None) -> bool:
    """Count one use; False when the limit was used up already."""
    return _allauth.consume(request, app="allauth.account", action=action, key=key, limit_get=True) is not None


def too_many_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "429.html", status=429)
