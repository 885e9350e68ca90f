"""Cache backends that keep no precise time on rate-limit entries.

Rule owned here: an entry under settings.RATELIMIT_CACHE_PREFIX ("rl:", django-ratelimit's
counters and the secret of portal.core.ratelimit) never expires at a moment that dates the
request that created it. Stock backends expire an entry at `now + timeout` (Redis to the
millisecond, local memory to the microsecond), so the TTL of a counter tells the second a
rating or a complaint was sent, which a database reader matches against created_at. Here such
an entry expires at a whole multiple of its own timeout (rounded up to a minute): it lives at
least `timeout` and at most twice that, and its expiry tells no more than which window the
first request fell in — no finer time than the limit itself needs. Other entries (pages,
phone codes) keep the stock behaviour.
"""

import math
import pickle
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

STEP_GRANULE = 60


def coarse_expiry(timeout: float, now: float | None = None) -> int:
    """The first multiple of the (minute-rounded) timeout at or after now + timeout."""
    now = time.time() if now is None else now
    step = max(STEP_GRANULE, math.ceil(timeout / STEP_GRANULE) * STEP_GRANULE)
    return math.ceil((now + timeout) / step) * step


def _coarse(key: str) -> bool:
    return str(key).startswith(getattr(settings, "RATELIMIT_CACHE_PREFIX", "rl:"))


class PrivateLocMemCache(LocMemCache):
    """Local memory (embedded mode, tests) with coarse expiry for rate-limit entries."""

    def _timeout(self, timeout):
        return self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        timeout = self._timeout(timeout)
        if not _coarse(key) or not timeout or timeout <= 0:
            return super().add(key, value, timeout, version)
        return self.add_until(key, value, coarse_expiry(timeout), version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        timeout = self._timeout(timeout)
        super().set(key, value, timeout, version)
        if _coarse(key) and timeout and timeout > 0:
            made = self.make_and_validate_key(key, version=version)
            with self._lock:
                self._expire_info[made] = float(coarse_expiry(timeout))

    def add_until(self, key, value, at: int, version=None) -> bool:
        """Add `key` (if absent) expiring at the whole second `at` (a Unix time)."""
        made = self.make_and_validate_key(key, version=version)
        pickled = pickle.dumps(value, self.pickle_protocol)
        with self._lock:
            if not self._has_expired(made):
                return False
            self._set(made, pickled, None)
            self._expire_info[made] = float(int(at))
            return True


class PrivateRedisCache(RedisCache):
    """Redis with coarse expiry for rate-limit entries: SET ... EXAT <whole second>."""

    def _timeout(self, timeout):
        return self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout

    def _set_at(self, key, value, at: int, version, *, nx: bool) -> bool:
        made = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(made, write=True)
        payload = self._cache._serializer.dumps(value)
        return bool(client.set(made, payload, exat=int(at), nx=nx))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        timeout = self._timeout(timeout)
        if not _coarse(key) or not timeout or timeout <= 0:
            return super().add(key, value, timeout, version)
        return self._set_at(key, value, coarse_expiry(timeout), version, nx=True)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        timeout = self._timeout(timeout)
        if not _coarse(key) or not timeout or timeout <= 0:
            return super().set(key, value, timeout, version)
        self._set_at(key, value, coarse_expiry(timeout), version, nx=False)

    def add_until(self, key, value, at: int, version=None) -> bool:
        """Add `key` (if absent) expiring at the whole second `at` (a Unix time)."""
        return self._set_at(key, value, at, version, nx=True)


def add_until(cache, key: str, value, at: int) -> bool:
    """`cache.add` expiring at the Unix second `at`, on any backend (stock ones approximate)."""
    if hasattr(cache, "add_until"):
        return cache.add_until(key, value, at)
    return cache.add(key, value, max(1, int(at - time.time())))
