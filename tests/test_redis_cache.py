"""partnercenter.cache.RedisCache: Django's Redis cache with one redis-py client per connection pool
instead of a new client for every call, shared safely by threads."""

from __future__ import annotations

import threading

import redis

from partnercenter.cache import RedisCache
from tests.settings import REDIS_TEST_URL
from tests.test_integration_celery import require_redis


def test_one_client_per_pool_shared_by_threads() -> None:
    require_redis(REDIS_TEST_URL)
    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    cache = RedisCache(REDIS_TEST_URL, {"KEY_PREFIX": "reuse"})
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client("any", write=False) is first
    cache.set("greeting", {"hello": "world"})
    assert cache.get("greeting") == {"hello": "world"}

    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            for round_number in range(50):
                cache.set(f"k{index}", round_number)
                assert cache.get(f"k{index}") == round_number
                if not cache.add("shared", 1):
                    cache.incr("shared")
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.get("shared") == 8 * 50
    assert cache._cache.get_client(write=True) is first
    cache.clear()


def test_django_makes_a_client_per_call() -> None:
    """What the subclass saves: Django's own client builds a redis.Redis on every call."""
    from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

    cache = DjangoRedisCache(REDIS_TEST_URL, {})
    assert cache._cache.get_client(write=True) is not cache._cache.get_client(write=True)
