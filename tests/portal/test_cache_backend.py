"""The Redis cache backend (portal/cache.py): Django's, with one redis-py client per pool."""

from __future__ import annotations

import threading

from django.conf import settings

from portal.cache import PortalRedisCache


def make_cache() -> PortalRedisCache:
    return PortalRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-cache-backend"})


def test_given_backend_when_used_then_values_round_trip_as_with_djangos():
    # given
    cache = make_cache()
    # when
    cache.set("text", {"a": [1, 2]}, 30)
    cache.set("counter", 5, 30)
    cache.incr("counter")
    got = cache.get_many(["text", "counter", "missing"])
    cache.delete("text")
    # then
    assert got == {"text": {"a": [1, 2]}, "counter": 6}
    assert cache.get("text") is None
    cache.delete("counter")


def test_given_backend_when_many_operations_then_one_client_per_pool_is_reused():
    # given
    cache = make_cache()
    # when
    first = cache._cache.get_client()
    cache.get("anything")
    # then
    assert cache._cache.get_client() is first
    assert cache._cache.get_client(write=True) is first  # one server: one pool


def test_given_threads_when_sharing_the_client_then_each_reads_its_own_value():
    # given
    cache = make_cache()
    errors: list[str] = []

    def work(n: int) -> None:
        for i in range(50):
            cache.set(f"thread-{n}", i, 30)
            if cache.get(f"thread-{n}") != i:
                errors.append(f"{n}:{i}")

    # when
    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    cache.delete_many([f"thread-{n}" for n in range(4)])
