"""Rate-limit and lock-out keys, built one way for every limit (complaint and rating forms,
Open311, phone codes, staff sign-in).

Rules owned here: the client is portal.core.netaddr.client_address (never REMOTE_ADDR read
directly); a per-client key counts one IPv4 address or one IPv6 /64 (a host usually holds a
whole /64, so single IPv6 addresses would be free to rotate); a per-network key counts the IPv4
/24 or IPv6 /64 (staff sign-in, so a guesser cannot walk through neighbouring addresses).

Why a rotating secret kept only in the cache (anonymity is a promise, issue 14): all of IPv4 is
2^32 values, hashed in about a core-hour, so any key that someone can recompute names the
address. A fixed secret (VOTER_HASH_KEY) would let whoever holds the settings reverse every
key ever stored — in a dump, a backup or a persisted Redis — forever; a per-period secret
*derived* from a server secret would too. So every key is an HMAC under SECRET_KEY plus a
random 256-bit secret that exists only in the cache, is created when absent and expires at the
end of its period (RATELIMIT_SECRET_SECONDS, a day: the longest limit window). Once it has
expired nobody — not the operator with the settings, not a reader of an old copy of Redis —
can tie an old key to an address; while it lives, reversing a key needs both the live cache
and the settings. Keys are truncated to RATELIMIT_KEY_BITS (64): short, but collisions stay
negligible (the truncation is not what stops reversal; the vanished secret is). The cost: at
each rotation every counter starts again, so a client gets at most twice a limit across a
rotation (as with the daily keys before), and a phone code or lock-out that straddles a
rotation is forgotten (a new code is asked for). The cache role is never persisted
(deploy/compose.yaml) and counters expire at coarse times (portal.core.cache).
When the cache is down (Redis unreachable) the limits fall back to process memory, never to
the database: production's backend (portal.core.cache.ResilientRedisCache) serves every
operation from a local store of the process meanwhile, so the secret and the counters are drawn
and counted there. A database fallback would write these linkable keys and their windows into
the persisted, backed-up database, which is what the cache-only secret exists to avoid. The
price: each gunicorn worker counts on its own, so with N workers a client gets up to N times a
limit during the outage. Should even that fail (another backend raising), the process uses its
own secret for the period below and the request goes on.
"""

import hashlib
import hmac
import ipaddress
import secrets
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

from .cache import add_until
from .netaddr import client_address

_fallback: dict[int, bytes] = {}


def _period() -> tuple[int, int]:
    """(index, end) of the current secret period, whole Unix seconds."""
    length = settings.RATELIMIT_SECRET_SECONDS
    index = int(time.time()) // length
    return index, (index + 1) * length


def _secret_key(index: int) -> str:
    return f"{getattr(settings, 'RATELIMIT_CACHE_PREFIX', 'rl:')}secret:{index}"


# Within one request the secret is read from the cache once (a rating POST checked four limits
# and read it five times): SecretMemoMiddleware opens a memo for the request and drops it at the
# end; outside a request (tasks, shell) every call reads the cache.
_request_memo: ContextVar[dict | None] = ContextVar("ratelimit_secret_memo", default=None)


class SecretMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(token)


def period_secret() -> bytes:
    """This period's random secret: from the cache, created there (first writer wins) when
    absent; it expires with the period and is never written anywhere else."""
    memo = _request_memo.get()
    index = _period()[0]
    if memo is not None and index in memo:
        return memo[index]
    value = _period_secret()
    if memo is not None:
        memo[index] = value
    return value


def _period_secret() -> bytes:
    index, end = _period()
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    key = _secret_key(index)
    try:
        value = cache.get(key)
        if value is None:
            add_until(cache, key, secrets.token_hex(32), end)
            value = cache.get(key)
        if value:
            return bytes.fromhex(value)
    except Exception:  # the cache is down: rate limits fall back, requests still succeed
        pass
    for old in [i for i in _fallback if i != index]:
        del _fallback[old]
    return _fallback.setdefault(index, secrets.token_bytes(32))


def keyed(kind: str, value: str) -> str:
    """The cache key for `value` counted under `kind`: a truncated HMAC under this period's
    secret, never the value itself nor anything recomputable from the settings alone."""
    key = settings.SECRET_KEY.encode() + b"|ratelimit|" + period_secret()
    digest = hmac.new(key, f"{kind}|{value}".encode(), hashlib.sha256)
    return digest.hexdigest()[: settings.RATELIMIT_KEY_BITS // 4]


def _prefix(address: str, *, v4: int, v6: int) -> str:
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "")[:64]
    prefix = v4 if ip.version == 4 else v6
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def client_network(address: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) around an address; the address itself if unparsable."""
    return _prefix(address, v4=24, v6=64)


def client_bucket(address: str) -> str:
    """One IPv4 address or the IPv6 /64 it lies in."""
    return _prefix(address, v4=32, v6=64)


def client_key(group, request) -> str:
    """django-ratelimit key function: one bucket per client, limit group and secret period."""
    return keyed(f"client|{group}", client_bucket(client_address(request)))


def network_key(request) -> str:
    """One bucket per client network and secret period."""
    return keyed("net", client_network(client_address(request)))


# --- several limits in one round trip -------------------------------------------------------
# django-ratelimit's get_usage costs two or three cache operations per limit (add, then incr or
# get); a rating POST checked four. `usages` gives the same answer for a list of limits with
# one pipelined round trip, under django-ratelimit's own keys and windows, so is_ratelimited
# and get_usage elsewhere see the same counters.


@dataclass(frozen=True)
class Limit:
    group: str
    value: str  # the bucket (a key from client_key, keyed, ...)
    rate: str  # django-ratelimit's "N/P"
    increment: bool = False
    method: object = (None,)  # django-ratelimit's ALL; "POST" etc. as its `method` argument


def usages(limits: list[Limit]) -> list[dict]:
    """[{"count", "limit", "should_limit", "used_up"}] for `limits`, in order, in one cache
    round trip. `used_up` (count ≥ limit) is what a look without counting needs: the next
    request would go over."""
    from django_ratelimit.core import EXPIRATION_FUDGE, _get_window, _make_cache_key
    from django_ratelimit.core import _split_rate as split_rate

    from .cache import coarse_expiry

    if not getattr(settings, "RATELIMIT_ENABLE", True) or not limits:
        return [{"count": 0, "limit": 0, "should_limit": False, "used_up": False} for _ in limits]
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    entries, caps = [], []
    for item in limits:
        count, period = split_rate(item.rate)
        window = _get_window(item.value, period)
        key = _make_cache_key(item.group, window, item.rate, item.value, item.method)
        entries.append((key, coarse_expiry(period + EXPIRATION_FUDGE), item.increment))
        caps.append(count)
    if hasattr(cache, "count_many"):
        counts = cache.count_many(entries)
    else:  # a stock backend: one limit at a time
        counts = [_count_one(cache, key, at, inc) for key, at, inc in entries]
    return [
        {"count": n, "limit": cap, "should_limit": n > cap, "used_up": n >= cap}
        for n, cap in zip(counts, caps, strict=True)
    ]


def _count_one(cache, key, at, increment) -> int:
    ttl = max(1, int(at - time.time()))
    if increment:
        if cache.add(key, 1, ttl):
            return 1
        try:
            return int(cache.incr(key))
        except ValueError:
            return 1
    return int(cache.get(key, 0) or 0)
