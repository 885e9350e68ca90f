"""Prometheus metrics infrastructure: request counters (middleware), the access rule of
/metrics and the text exposition. The view (portal/metrics_view.py) says what is shown.

Access: a bearer token equal to settings.METRICS_TOKEN, or a client address in
settings.METRICS_ALLOWED_IPS (portal.core.netaddr.client_address). A request carrying
X-Forwarded-For from a peer that is not a trusted proxy never passes on its address: behind an
nginx that TRUSTED_PROXIES does not name, every request would come from nginx's own address.
nginx also refuses /metrics from outside (deploy/nginx.conf).

Request counts and durations are kept per process and added to the shared cache (Redis in
production) at most once a second, so one scrape sees every gunicorn worker without a Redis
round trip per request.
"""

import hmac
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from .cache import cache_circuits
from .netaddr import came_through_proxy, client_address, in_networks

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
FLUSH_SECONDS = 1.0
_KEY = "metrics:v1:"
_lock = threading.Lock()
_pending: dict[str, float] = {}
_last_flush = time.monotonic()


# --- recording ------------------------------------------------------------------------------
def _status_class(code: int) -> str:
    return f"{code // 100}xx"


def record_request(*, method: str, status: int, seconds: float) -> None:
    method = method if method in {"GET", "POST", "HEAD", "PUT", "PATCH", "DELETE"} else "OTHER"
    keys = [f"req|{method}|{_status_class(status)}", "dur|sum", "dur|count"]
    bucket = next((b for b in BUCKETS if seconds <= b), "+Inf")
    keys.append(f"dur|le|{bucket}")
    global _last_flush
    with _lock:
        for key in keys:
            _pending[key] = _pending.get(key, 0) + (seconds if key == "dur|sum" else 1)
        due = time.monotonic() - _last_flush >= FLUSH_SECONDS
        if due:
            _last_flush = time.monotonic()
    if due:
        flush()


def flush() -> None:
    with _lock:
        items = list(_pending.items())
        _pending.clear()
    for key, value in items:
        full = _KEY + key
        try:
            if key == "dur|sum":
                # cache.incr works on integers: keep microseconds
                value = int(value * 1_000_000)
            cache.add(full, 0, timeout=None)
            cache.incr(full, int(value))
        except Exception:  # metrics must never break a request
            continue
        _known_keys_add(full)


def _known_keys_add(full_key: str) -> None:
    known = cache.get(_KEY + "keys") or []
    if full_key not in known:
        cache.set(_KEY + "keys", sorted(set(known) | {full_key}), timeout=None)


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        record_request(
            method=request.method,
            status=response.status_code,
            seconds=time.perf_counter() - started,
        )
        return response


# --- access ---------------------------------------------------------------------------------
def metrics_allowed(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[len("Bearer ") :].strip().encode(), token.encode())
    address = client_address(request)
    if came_through_proxy(request) and address == (request.META.get("REMOTE_ADDR") or "").strip():
        # forwarded, but by a peer that is not a trusted proxy (or naming no client): behind
        # an nginx that TRUSTED_PROXIES does not name, that address is nginx's own
        return False
    return in_networks(address, getattr(settings, "METRICS_ALLOWED_IPS", []))


# --- exposition -----------------------------------------------------------------------------
def _line(name, value, labels=None):
    if labels:
        inner = ",".join(f'{k}="{v}"' for k, v in labels.items())
        return f"{name}{{{inner}}} {value}"
    return f"{name} {value}"


def request_lines():
    flush()
    keys = cache.get(_KEY + "keys") or []
    values = cache.get_many(keys) if keys else {}
    out = [
        "# HELP portal_http_requests_total HTTP responses by method and status class.",
        "# TYPE portal_http_requests_total counter",
    ]
    buckets, total_sum, total_count = {}, 0, 0
    for full, value in sorted(values.items()):
        parts = full[len(_KEY) :].split("|")
        if parts[0] == "req":
            out.append(
                _line("portal_http_requests_total", value, {"method": parts[1], "status": parts[2]})
            )
        elif parts[:2] == ["dur", "le"]:
            buckets[parts[2]] = value
        elif parts == ["dur", "sum"]:
            total_sum = value / 1_000_000
        elif parts == ["dur", "count"]:
            total_count = value
    out += [
        "# HELP portal_http_request_duration_seconds Time spent in Django per request.",
        "# TYPE portal_http_request_duration_seconds histogram",
    ]
    running = 0
    for bound in [*BUCKETS, "+Inf"]:
        running += buckets.get(str(bound), 0)
        out.append(
            _line("portal_http_request_duration_seconds_bucket", running, {"le": str(bound)})
        )
    out.append(_line("portal_http_request_duration_seconds_sum", f"{total_sum:.6f}"))
    out.append(_line("portal_http_request_duration_seconds_count", total_count))
    return out


def dependency_lines(checks: dict) -> list[str]:
    """portal_dependency_up per readiness check (a callable returning "ok…"/"degraded…")."""
    out = [
        "# HELP portal_dependency_up 1 when the dependency answers its readiness check.",
        "# TYPE portal_dependency_up gauge",
    ]
    for name, check in checks.items():
        try:
            ok = not check().startswith("error")
        except Exception:
            ok = False
        out.append(_line("portal_dependency_up", int(ok), {"dependency": name}))
    return out


def cache_lines() -> list[str]:
    """This process's view of each Redis cache (portal.core.cache.ResilientRedisCache): whether
    it is reachable, outages seen and operations served from process memory instead. Kept in
    the process, not in the cache: while Redis is down the cache cannot count its own absence."""
    circuits = cache_circuits()
    if not circuits:
        return []
    out = [
        "# HELP portal_cache_reachable 0 while this process serves the cache from its memory.",
        "# TYPE portal_cache_reachable gauge",
        *(
            _line("portal_cache_reachable", int(not c["down"]), {"cache": c["where"]})
            for c in circuits
        ),
        "# HELP portal_cache_outages_total Cache outages this process has seen.",
        "# TYPE portal_cache_outages_total counter",
        *(
            _line("portal_cache_outages_total", c["outages"], {"cache": c["where"]})
            for c in circuits
        ),
        "# HELP portal_cache_fallback_operations_total Cache operations served from process "
        "memory because Redis was unreachable.",
        "# TYPE portal_cache_fallback_operations_total counter",
    ]
    out += [
        _line(
            "portal_cache_fallback_operations_total",
            c["fallback_operations"],
            {"cache": c["where"]},
        )
        for c in circuits
    ]
    return out


def queue_lines() -> list[str]:
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or not url.startswith(("redis://", "rediss://")):
        return []
    import redis

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        depth = client.llen(queue)
    except Exception:
        return []
    return [
        "# HELP portal_celery_queue_length Tasks waiting in the broker queue.",
        "# TYPE portal_celery_queue_length gauge",
        _line("portal_celery_queue_length", depth, {"queue": queue}),
    ]


def heartbeat_lines(heartbeat_key: str) -> list[str]:
    """When beat's heartbeat task last ran (it stores {"at": unix time} under the key)."""
    beat = cache.get(heartbeat_key)
    if not beat:
        return []
    return [
        "# HELP portal_beat_heartbeat_timestamp_seconds When the worker last ran beat's "
        "heartbeat task (Unix time).",
        "# TYPE portal_beat_heartbeat_timestamp_seconds gauge",
        _line("portal_beat_heartbeat_timestamp_seconds", f"{beat['at']:.3f}"),
    ]


def row_lines(model_labels) -> list[str]:
    """portal_rows per model label; a model missing from this installation is skipped."""
    from django.apps import apps
    from django.db import connection

    out = [
        "# HELP portal_rows Rows per table (PostgreSQL: planner estimate above 10,000 rows).",
        "# TYPE portal_rows gauge",
    ]
    for label in model_labels:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        try:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE relname = %s",
                        [model._meta.db_table],
                    )
                    row = cursor.fetchone()
                count = row[0] if row else 0
                if count < 10_000:  # small or never analysed: an exact count is cheap
                    count = model._base_manager.count()
            else:
                count = model._base_manager.count()
        except Exception:
            continue
        out.append(_line("portal_rows", count, {"model": label}))
    return out


def forbidden_response() -> HttpResponse:
    response = HttpResponse("forbidden\n", status=403, content_type="text/plain")
    if getattr(settings, "METRICS_TOKEN", ""):
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


def exposition_response(lines: list[str]) -> HttpResponse:
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; version=0.0.4; charset=utf-8"
    )
