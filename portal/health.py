"""Liveness and readiness. /readyz lists each dependency and answers 503 when one is down, 200
with "degraded" when the site still works without it (the cache)."""

import socket
from urllib.parse import urlparse

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

from portal.core.cache import cache_degraded


def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_cache():
    """A cache that serves from process memory while Redis is unreachable (portal.core.cache)
    keeps the site up: "degraded", not an error."""
    cache.set("readyz", "1", 5)
    if cache_degraded(cache):
        return "degraded: unreachable, served from process memory (rate limits per process)"
    return "ok" if cache.get("readyz") == "1" else "error"


def _check_broker():
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or url.startswith("memory://"):
        return "ok (eager)"
    parsed = urlparse(url)
    default_port = {"redis": 6379, "amqp": 5672, "rediss": 6380}.get(parsed.scheme, 6379)
    with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=2):
        return "ok"


def _check_search():
    from search import api

    return api.health()


def _check_holidays():
    from complaints.checks import holiday_calendar_warnings

    warnings = holiday_calendar_warnings()
    return f"degraded: {warnings[0].msg}" if warnings else "ok"


CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "search": _check_search,
    "holidays": _check_holidays,
}


def readyz(request):
    results, status = {}, "ok"
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a readiness probe reports, it does not raise
            results[name] = f"error: {exc.__class__.__name__}"
            status = "error"
        else:
            if results[name].startswith("degraded") and status == "ok":
                status = "degraded"
    code = 503 if status == "error" else 200
    return JsonResponse({"status": status, "checks": results}, status=code)
