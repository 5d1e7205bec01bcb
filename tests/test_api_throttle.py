"""The API's per-partner rate limit (api.throttling): a sliding-window counter in the cache, one Redis
round trip per call, exact under concurrent calls, refused calls not counted, and a Retry-After after
which the next call is let through."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import redis
import time_machine
from django.core.cache import caches
from django.test import override_settings

from api.throttling import PartnerRateThrottle, parse_rate, retry_after
from tests.settings import REDIS_TEST_URL
from tests.test_integration_celery import require_redis

REDIS_CACHE = {"default": {"BACKEND": "partnercenter.cache.RedisCache", "LOCATION": REDIS_TEST_URL}}
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Ten seconds into a minute-long window.
START = datetime(2026, 12, 3, 12, 0, 10, tzinfo=UTC)


@pytest.fixture(params=["locmem", "redis"])
def counter_cache(request, settings):  # noqa: ANN001, ANN201
    """Each test on the embedded caches' path (add, incr, get) and on Redis's pipeline."""
    if request.param == "redis":
        require_redis(REDIS_TEST_URL)
        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    settings.CACHES = REDIS_CACHE if request.param == "redis" else LOCAL_CACHE
    caches["default"].clear()
    yield request.param
    caches["default"].clear()


def call(partner_id: int = 1) -> tuple[bool, int]:
    throttle = PartnerRateThrottle()
    allowed = throttle.allow_request(SimpleNamespace(api_app=SimpleNamespace(partner_id=partner_id)), None)
    return allowed, throttle.wait()


def test_rates_are_read_in_drfs_notation():
    assert parse_rate("500/min") == (500, 60)
    assert parse_rate("10/s") == (10, 1)
    assert parse_rate("1000/hour") == (1000, 3600)
    assert parse_rate("5/day") == (5, 86400)


def test_retry_after_is_when_the_weighted_count_leaves_room_for_one_more():
    # This window full (3 of 3), 10 s in: 20 s into the next, 3 × 2/3 + 1 = 3 fits again.
    assert retry_after(3, 60, current=3, before=0, elapsed=10) == 70
    # 4 last window, 1 in this, 15 s in: at 45 s, 4 × 1/4 + 1 + 1 = 3 fits.
    assert retry_after(3, 60, current=1, before=4, elapsed=15) == 30
    assert retry_after(3, 60, current=0, before=0, elapsed=59.9) >= 1


@override_settings(API_THROTTLE_RATE="3/min")
def test_the_limit_refuses_the_fourth_call_until_its_retry_after_and_refusals_do_not_count(counter_cache):
    with time_machine.travel(START, tick=False) as clock:
        assert [call()[0] for _ in range(3)] == [True, True, True]
        refused, wait = call()
        assert not refused and wait == 70
        assert not call()[0] and not call()[0]  # knocking again does not push the wait out
        assert call(partner_id=2)[0]  # another partner counts on its own
        clock.shift(wait - 1)
        assert not call()[0]
        clock.shift(1)
        assert call()[0]
        assert not call()[0]


@override_settings(API_THROTTLE_RATE="3/min")
def test_the_previous_windows_calls_weigh_by_how_much_of_them_lies_within_the_last_minute(counter_cache):
    with time_machine.travel(datetime(2026, 12, 3, 12, 0, 50, tzinfo=UTC), tick=False) as clock:
        assert [call()[0] for _ in range(3)] == [True, True, True]
        clock.shift(40)  # 30 s into the next window: the three count as 1.5
        assert call()[0]  # 1.5 + 1
        assert not call()[0]  # 1.5 + 2 > 3
        clock.shift(31)  # the first window is out of reach; the second's one call weighs 59/60
        assert [call()[0] for _ in range(3)] == [True, True, False]


@override_settings(API_THROTTLE_RATE="50/min")
def test_concurrent_calls_are_counted_exactly(counter_cache):
    """Eight workers at once: exactly the limit gets through (a read-and-write-back history would let
    workers overwrite each other's calls and admit more)."""
    allowed: list[bool] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        outcomes = [call()[0] for _ in range(10)]
        allowed.extend(outcomes)
        caches["default"].close()

    with time_machine.travel(START, tick=False):
        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(allowed) == 80 and allowed.count(True) == 50


def test_redis_is_asked_once_per_call(settings, monkeypatch):
    require_redis(REDIS_TEST_URL)
    settings.CACHES = REDIS_CACHE
    cache = caches["default"]
    cache.clear()
    trips: list[int] = []
    original = redis.client.Pipeline.execute
    monkeypatch.setattr(redis.client.Pipeline, "execute",
                        lambda self, *a, **kw: trips.append(len(self.command_stack)) or original(self, *a, **kw))
    calls: list[str] = []
    single = redis.Redis.execute_command
    monkeypatch.setattr(redis.Redis, "execute_command",
                        lambda self, *a, **kw: calls.append(a[0]) or single(self, *a, **kw))
    with override_settings(API_THROTTLE_RATE="500/min"):
        assert call()[0]
    assert trips == [3] and calls == []  # INCR, EXPIRE and GET in one pipeline, nothing besides
    cache.clear()
