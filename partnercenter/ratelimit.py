"""The portal's own rate limits, counted like allauth's (ACCOUNT_RATE_LIMITS, the cache, the client
address of partnercenter.clientip) and answered with the localised 429 page."""

from __future__ import annotations

import time

from allauth.core.internal import ratelimit as _allauth
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Not-found look-ups of relationship and partnership links (and sign-up confirmation links).
LINK_PROBE = "link_not_found"
# Posts of the customer sign-up form on a relationship request's page.
CUSTOMER_SIGNUP = "customer_signup"


def exhausted(request: HttpRequest, action: str, *, key: str | None = None) -> bool:
    """True when the limit is used up (nothing is counted). Only reads each rate's history, as allauth's
    dry run would, but without its lock: the lock guards the read-modify-write of hit(), and a read of one
    cache key needs none — one cache round trip per rate instead of three (lock, read, unlock)."""
    now = time.time()
    for rate in _allauth.get_rates(app="allauth.account", action=action):
        history = cache.get(_allauth.get_cache_key(request, app="allauth.account", action=action, rate=rate,
                                                     key=key), [])
        allowed, _history = _allauth.apply_rate(history, now, rate, dry_run=True)
        if not allowed:
            return True
    return False


def hit(request: HttpRequest, action: str, *, key: str | None = None) -> bool:
    """Count one use; False when the limit was used up already."""
    return _allauth.consume(request, app="allauth.account", action=action, key=key, limit_get=True) is not None


def too_many_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "429.html", status=429)
