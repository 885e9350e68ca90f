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

Rule owned here too: Redis down is not a public outage (ResilientRedisCache, production's
backend). When Redis cannot be reached each operation is served by a local-memory cache of the
process instead, so pages are built uncached and every form that stores a citizen's input still
works. A failure opens a circuit for RETRY_SECONDS (OPTIONS, default 5): meanwhile no request
waits a connect or read timeout on Redis; the first operation after that tries Redis again.
One warning is logged per outage and one line when Redis is back; portal.core.metrics shows
the state. Keys deleted during the outage (a cached figure invalidated) are deleted in Redis
when it is back, so no stale entry outlives the outage; the local store is then emptied.

Why process-local and not the database: the rate-limit keys are HMACs under a secret that lives
only in the cache (portal.core.ratelimit). A database fallback would write those keys, and the
counters' windows, into the persisted, backed-up database, where a later reader could link
them; process memory is never written anywhere. The price: each gunicorn worker counts on its
own, so with N workers a client gets up to N times a limit while Redis is down (and each
worker draws its own rate-limit secret; burst keys of ratings made then match only within a
worker). Phone codes and lock-outs set during the outage are forgotten when Redis is back.
"""

import logging
import math
import pickle
import threading
import time
from urllib.parse import urlsplit

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

    def count_many(self, entries, version=None) -> list[int]:
        """See PrivateRedisCache.count_many (here one operation after another, under the lock
        of each)."""
        counts = []
        for key, at, increment in entries:
            if increment:
                self.add_until(key, 0, at, version=version)
                try:
                    counts.append(self.incr(key, version=version))
                except ValueError:  # expired between the two
                    self.add_until(key, 1, at, version=version)
                    counts.append(1)
            else:
                counts.append(int(self.get(key, 0, version=version) or 0))
        return counts


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

    def count_many(self, entries, version=None) -> list[int]:
        """Several counters in ONE round trip: `entries` is [(key, expire_at, increment)]; an
        incremented counter is made at 0 expiring at the whole second `expire_at` if absent
        (SET NX EXAT) and then INCR'd, a counter only looked at is read (GET, 0 if absent).
        Returns the counts in order. Integers are stored raw (Django's Redis serializer), so
        `get`/`incr` of the same keys agree (django-ratelimit reads them that way)."""
        made = [(self.make_and_validate_key(k, version=version), at, inc) for k, at, inc in entries]
        if not made:
            return []
        pipe = self._cache.get_client(made[0][0], write=True).pipeline(transaction=False)
        for key, at, increment in made:
            if increment:
                pipe.set(key, 0, exat=int(at), nx=True)
                pipe.incr(key)
            else:
                pipe.get(key)
        results, counts = iter(pipe.execute()), []
        for _key, _at, increment in made:
            if increment:
                next(results)
            value = next(results)
            counts.append(int(value) if value is not None else 0)
        return counts


# --- degraded mode --------------------------------------------------------------------------
logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
FALLBACK_MAX_ENTRIES = 50_000  # rate-limit counters of an outage: culling them would free limits
MAX_REMEMBERED_DELETES = 10_000


class _Circuit:
    """Process-wide state of one Redis location (shared by every thread's cache instance)."""

    def __init__(self, where: str):
        self.where = where
        self.lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0  # monotonic: no Redis call before this while down
        self.outages = 0
        self.fallback_operations = 0
        self.deleted: set[tuple[str, int | None]] = set()

    def open(self) -> bool:
        return self.down and time.monotonic() < self.retry_at

    def failed(self, exc: Exception, retry_seconds: float) -> None:
        with self.lock:
            self.retry_at = time.monotonic() + retry_seconds
            if self.down:
                return
            self.down = True
            self.outages += 1
        logger.warning(
            "cache unreachable at %s (%s): pages served uncached, rate limits counted per "
            "process until it is back; retrying every %.0f s",
            self.where,
            exc.__class__.__name__,
            retry_seconds,
        )

    def recovered(self) -> list[tuple[str, int | None]] | None:
        """None when Redis was not down; else the keys deleted meanwhile (once)."""
        if not self.down:
            return None
        with self.lock:
            if not self.down:
                return None
            self.down = False
            deleted, self.deleted = list(self.deleted), set()
        logger.warning("cache reachable again at %s: back to Redis", self.where)
        return deleted


_circuits: dict[str, _Circuit] = {}
_circuits_lock = threading.Lock()


def _where(location: str) -> str:
    """host:port/db of a Redis URL, without credentials (for logs and metrics)."""
    parts = urlsplit(str(location).split(",")[0])
    return (parts.netloc.rsplit("@", 1)[-1] + parts.path) or "redis"


def _circuit(location: str) -> _Circuit:
    with _circuits_lock:
        return _circuits.setdefault(str(location), _Circuit(_where(location)))


def cache_circuits() -> list[dict]:
    """Each Redis location this process uses: reachable or not, outages, fallback operations."""
    with _circuits_lock:
        circuits = list(_circuits.values())
    return [
        {
            "where": c.where,
            "down": c.down,
            "outages": c.outages,
            "fallback_operations": c.fallback_operations,
        }
        for c in circuits
    ]


def _guarded(name: str):
    def operation(self, *args, **kwargs):
        return self._run(name, args, kwargs)

    operation.__name__ = name
    return operation


class ResilientRedisCache(PrivateRedisCache):
    """PrivateRedisCache that serves from process memory while Redis is unreachable (see the
    module docstring). OPTIONS may set RETRY_SECONDS; the rest goes to the Redis pool (set
    short socket_connect_timeout and socket_timeout: a request waits at most that once per
    retry interval)."""

    def __init__(self, server, params):
        import redis

        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", RETRY_SECONDS))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._unreachable = (redis.exceptions.RedisError, OSError)
        self._circuit = _circuit(server)
        local = {k: v for k, v in params.items() if k in {"KEY_PREFIX", "VERSION", "TIMEOUT"}}
        local["KEY_FUNCTION"] = params.get("KEY_FUNCTION")
        local["OPTIONS"] = {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}
        # one local store per location and process: LocMemCache shares it by name
        self._fallback = PrivateLocMemCache(f"redis-fallback:{server}", local)

    @property
    def degraded(self) -> bool:
        """True while Redis is unreachable and operations are served from process memory."""
        return self._circuit.down

    def _run(self, name, args, kwargs):
        circuit = self._circuit
        if not circuit.open():
            try:
                result = getattr(PrivateRedisCache, name)(self, *args, **kwargs)
            except self._unreachable as exc:
                circuit.failed(exc, self.retry_seconds)
            else:
                deleted = circuit.recovered()
                if deleted is not None:
                    self._after_outage(deleted)
                return result
        circuit.fallback_operations += 1
        if name in {"delete", "delete_many"}:
            self._remember_deleted(name, args, kwargs)
        return getattr(self._fallback, name)(*args, **kwargs)

    def _remember_deleted(self, name, args, kwargs):
        keys = [args[0]] if name == "delete" else list(args[0])
        version = kwargs.get("version", args[1] if len(args) > 1 else None)
        circuit = self._circuit
        with circuit.lock:
            room = MAX_REMEMBERED_DELETES - len(circuit.deleted)
            circuit.deleted.update((key, version) for key in keys[: max(0, room)])

    def _after_outage(self, deleted):
        """Redis is back: what was invalidated meanwhile is invalidated there too; the local
        store (counters, the process's secret) is forgotten."""
        for i, (key, version) in enumerate(deleted):
            try:
                PrivateRedisCache.delete(self, key, version=version)
            except self._unreachable as exc:  # gone again: keep the rest for next time
                self._circuit.failed(exc, self.retry_seconds)
                with self._circuit.lock:
                    self._circuit.deleted.update(deleted[i:])
                return
        self._fallback.clear()

    get = _guarded("get")
    set = _guarded("set")
    add = _guarded("add")
    touch = _guarded("touch")
    delete = _guarded("delete")
    get_many = _guarded("get_many")
    set_many = _guarded("set_many")
    delete_many = _guarded("delete_many")
    has_key = _guarded("has_key")
    incr = _guarded("incr")
    clear = _guarded("clear")
    add_until = _guarded("add_until")
    count_many = _guarded("count_many")


def cache_degraded(cache) -> bool:
    """True while `cache` serves from process memory because Redis is unreachable."""
    return bool(getattr(cache, "degraded", False))


def add_until(cache, key: str, value, at: int) -> bool:
    """`cache.add` expiring at the Unix second `at`, on any backend (stock ones approximate)."""
    if hasattr(cache, "add_until"):
        return cache.add_until(key, value, at)
    return cache.add(key, value, max(1, int(at - time.time())))
