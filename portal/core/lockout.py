"""Failure counters for lock-outs (tracking codes): how many wrong answers one key has given in
a window.

Rules owned here: a counter lives in the rate-limit cache under a key built by
portal.core.ratelimit.keyed (a truncated HMAC under the cache-only rotating secret, never the
tracking number or the address itself) with the rate-limit prefix, so it expires at a coarse
time (portal.core.cache) and goes with the secret; it starts at the first failure and lasts
between `window` and twice that. Nothing here is written to the database.
Why not on the row (as before: Case.track_failures): a counter per number alone is one that
anybody can fill, which locks the owner out; a counter per (number, client) names the client,
and the database is persisted and backed up.
"""

from django.conf import settings
from django.core.cache import caches

from .ratelimit import keyed


def _cache():
    return caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]


def _key(kind: str, value: str) -> str:
    return f"{getattr(settings, 'RATELIMIT_CACHE_PREFIX', 'rl:')}fail:{keyed(kind, value)}"


def failures(kind: str, value: str) -> int:
    """Failures counted under (kind, value) in the current window; 0 when none."""
    return int(_cache().get(_key(kind, value)) or 0)


def failure_add(kind: str, value: str, *, window: int) -> int:
    """Count one failure; the counter starts with the first one and expires after `window`
    seconds (up to twice that, coarse expiry). Returns the new count."""
    cache, key = _cache(), _key(kind, value)
    cache.add(key, 0, window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return 1


def failures_clear(kind: str, value: str) -> None:
    _cache().delete(_key(kind, value))
