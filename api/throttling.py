"""500 requests per minute per partner (settings.API_THROTTLE_RATE), counted in the cache (Redis in
production) across all of the partner's apps; over it a 429 with Retry-After (api.errors).

A sliding-window counter: one counter per partner and window, and the request's count is this window's
counter plus the previous window's, weighted by how much of it still lies within the last minute. On
Redis that is one round trip (INCR, EXPIRE and GET in one pipeline) of a few bytes, where DRF's
SimpleRateThrottle read and wrote back a pickled list of every request's time in the window (two round
trips, up to 500 floats each, and two workers could each write back a list without the other's request).
A refused request is taken off the counter again, so a client that keeps knocking is not locked out for
longer than the rate says."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import BaseThrottle

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'500/min' → (500, 60): DRF's notation (the first letter of the period counts)."""
    number, _slash, period = rate.partition("/")
    return int(number), _PERIODS[period.strip()[0]]


def _counts(name: str, previous: str, window: int) -> tuple[int, int]:
    """Count this request in the current window's counter; (this window's count, the previous one's)."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        key = cache.make_and_validate_key(name)
        pipe = cache._cache.get_client(key, write=True).pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, 2 * window)
        pipe.get(cache.make_and_validate_key(previous))
        current, _expiry, before = pipe.execute()
        return int(current), int(before or 0)
    # Any other cache (the database's in the embedded default, local memory in tests): add, then incr.
    cache.add(name, 0, 2 * window)
    try:
        current = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, 2 * window)
        current = 1
    return current, int(cache.get(previous) or 0)


def _uncount(name: str) -> None:
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        key = cache.make_and_validate_key(name)
        cache._cache.get_client(key, write=True).decr(key)
        return
    try:
        cache.decr(name)
    except ValueError:  # expired meanwhile: nothing left to take off
        pass


def retry_after(limit: int, window: int, current: int, before: int, elapsed: float) -> int:
    """Seconds until one more request fits, with `current` requests counted in this window (the refused
    one not among them), `before` in the previous one and `elapsed` seconds of this window gone."""
    if current < limit and before:  # this window's requests leave room once the previous ones age out
        wait = window * (1 - (limit - current - 1) / before) - elapsed
    else:  # in the next window, once enough of this window's requests lie outside the last minute
        wait = window - elapsed + window * (1 - (limit - 1) / max(current, 1))
    return max(1, math.ceil(wait))


class PartnerRateThrottle(BaseThrottle):
    scope = "partner"

    def allow_request(self, request, view) -> bool:  # noqa: ANN001
        app = getattr(request, "api_app", None)
        if app is None:
            return True
        limit, window = parse_rate(settings.API_THROTTLE_RATE)
        now = time.time()
        index = int(now // window)
        name = f"api-throttle:{app.partner_id}:{index}"
        current, before = _counts(name, f"api-throttle:{app.partner_id}:{index - 1}", window)
        elapsed = now - index * window
        if before * (1 - elapsed / window) + current <= limit + 1e-9:  # (a boundary is not lost to rounding)
            return True
        _uncount(name)
        self._wait = retry_after(limit, window, current - 1, before, elapsed)
        return False

    def wait(self) -> int:
        return getattr(self, "_wait", 1)
