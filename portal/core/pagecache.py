"""The public page cache: anonymous GETs of public pages answered from the cache, correct
because every write that changes what they show bumps a version they are stored under.

Rules owned here:
- Only a request that carries nothing of a person is served or stored: GET, no session or
  messages cookie, no Authorization header, a query string of at most 256 characters, a path
  outside settings.PAGE_CACHE_EXCLUDE (back office, forms, APIs, files, health).
- Only a response that holds nothing of a person is stored: 200, not streamed, no Set-Cookie,
  no `private`/`no-store`/`no-cache`, and no CSRF token in the body (a page that renders one
  is per-visitor and is never stored, so a new per-person page cannot leak by accident).
- The key is (language, host, local date, full path): one copy per language; the date rolls
  day-level public figures (closed days only, issue 14) over at midnight without a bump.
- Each entry is stored with the versions of the areas its path reads
  (settings.PAGE_CACHE_VERSIONS: "public" for everything, plus e.g. "stats" for /stats/) and
  served only while they are unchanged: a write bumps the version after commit
  (version_bump; who bumps what is wired in portal.reporting.signals), so the next request
  renders afresh. Entries also expire after PAGE_CACHE_SECONDS, a bound should a write ever
  bypass the signals (a raw UPDATE). Versions are random tokens created when absent, so an
  evicted version never comes back to a value that old entries were stored under.
- The pages themselves are kept in each process's memory (settings.PAGE_CACHE_ALIAS, a
  bounded local-memory cache: PAGE_CACHE_MAX_ENTRIES, entries above PAGE_CACHE_MAX_BYTES not
  kept), the versions in the shared cache: one shared round trip per request (the versions, in
  one get_many), no page bytes over the network, and — the reason (red team, issue 18) — a
  flood of distinct URLs (`?x=1`, `?x=2` …) churns only that bounded memory: in the shared
  Redis it would evict the rate-limit counters and their secret (allkeys-lru), resetting every
  lock-out. The host in the key is normalised (lower case, default port dropped).
- The shared cache down (portal.core.cache falls back to process memory) changes nothing here.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone

VERSION_PREFIX = "pagever:"
UNCACHEABLE = ("private", "no-store", "no-cache")
MAX_QUERY = 256
PERSON_COOKIES = ("messages",)


def _cache():
    """Where the versions live: shared by every process."""
    return caches["default"]


def _pages():
    """Where the pages live: this process's bounded memory."""
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "pages")]


def _version_key(name: str) -> str:
    return VERSION_PREFIX + name


def version_bump(*names: str, also: dict | None = None) -> None:
    """New versions for `names`: every page stored under an old one is ignored from now on.
    `also`: more entries of the shared cache written in the same round trip (never expiring)."""
    _cache().set_many({**(also or {}), **{_version_key(n): uuid.uuid4().hex for n in names}}, None)


def versions_current(*names: str) -> tuple:
    """The current versions of `names`, in one round trip to the shared cache."""
    version_keys = [_version_key(n) for n in names]
    cache = _cache()
    found = cache.get_many(version_keys)
    missing = [k for k in version_keys if k not in found]
    if missing:  # first use (or evicted): a fresh random token, never an old value
        for k in missing:
            cache.add(k, uuid.uuid4().hex, None)
        found.update(cache.get_many(missing))
    return tuple(found.get(k, "") for k in version_keys)


def value_under(key: str, names: tuple[str, ...], build):
    """A small value built from the database, kept in this process's memory under the shared
    versions `names` (bumped on commit like the pages): one round trip instead of the query,
    never stale past a bump. Off with the page cache (PAGE_CACHE_ENABLED)."""
    if not getattr(settings, "PAGE_CACHE_ENABLED", True):
        return build()
    versions = versions_current(*names)
    entry = _pages().get(f"value:{key}")
    if entry is not None and entry[0] == versions:
        return entry[1]
    value = build()
    _pages().set(f"value:{key}", (versions, value), None)
    return value


def _versions_for(path: str) -> list[str]:
    names = ["public"]
    for prefix, extra in getattr(settings, "PAGE_CACHE_VERSIONS", {}).items():
        if path.startswith(prefix):
            names += [n for n in extra if n not in names]
    return names


def _person(request) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or any(name in cookies for name in PERSON_COOKIES)
        or "HTTP_AUTHORIZATION" in request.META
    )


def _key(request) -> str | None:
    if request.method != "GET" or not getattr(settings, "PAGE_CACHE_ENABLED", True):
        return None
    path = request.path
    if path.startswith(tuple(settings.PAGE_CACHE_EXCLUDE)) or _person(request):
        return None
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY:
        return None
    try:
        host = request.get_host().lower()
    except Exception:  # DisallowedHost: let the normal path answer it
        return None
    host = host.removesuffix(":443" if request.is_secure() else ":80")
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    digest = hashlib.sha256(f"{path}?{query}".encode()).hexdigest()[:32]
    return f"page:{language}:{host}:{timezone.localdate().isoformat()}:{digest}"


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in UNCACHEABLE):
        return False
    return b"csrfmiddlewaretoken" not in response.content


class PublicPageCacheMiddleware:
    """After LocaleMiddleware (the key has the language), before everything that reads the
    session, the user or the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _key(request)
        if key is None:
            return self.get_response(request)
        versions = versions_current(*_versions_for(request.path))
        entry = _pages().get(key)
        if entry and entry[0] == versions:
            _, status, headers, content = entry
            response = HttpResponse(content, status=status, headers=headers)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _storable(response):
            headers = {k: v for k, v in response.items() if k.lower() != "set-cookie"}
            entry = (versions, response.status_code, headers, response.content)
            if len(response.content) <= getattr(settings, "PAGE_CACHE_MAX_BYTES", 1 << 20):
                _pages().set(key, entry, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response
