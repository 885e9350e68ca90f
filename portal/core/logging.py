"""Structured logs: one JSON object per line, carrying the request id of the request (or the id
of the Celery task) that produced it.

Privacy: the formatter writes only the fields listed here. Django attaches the request object
to some records (django.request, django.security); we take its method and path from it and
never its client address, headers, cookies or query string, so no log line can identify an
anonymous complainant (DESIGN.md: no IP logging, like GlobaLeaks).
"""

import contextvars
import datetime as dt
import json
import logging

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
# the Celery message header that carries it to the worker (set by portal.celery on publish and
# by the outbox when it sends a stored task)
REQUEST_ID_HEADER = "x_request_id"

# attributes every LogRecord has; anything else came in through `extra=`
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "task_id",
    "task_name",
}
# extra attributes never written out, even when a caller passes them
_NEVER = {"request", "server_time", "client", "client_ip", "remote_addr", "ip", "headers"}


def _current_task():
    try:
        from celery import current_task
    except ImportError:  # pragma: no cover - celery is a dependency
        return None
    task = current_task
    return task if task and getattr(task, "request", None) and task.request.id else None


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (and, inside a Celery task, `task_id`/`task_name`) to every record."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        task = _current_task()
        if task is not None:
            record.task_id = task.request.id
            record.task_name = task.name
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "ts": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "") or request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for key in ("task_id", "task_name"):
            if getattr(record, key, None):
                entry[key] = getattr(record, key)
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = getattr(request, "method", "")
            entry["path"] = request.path
        if getattr(record, "status_code", None):
            entry["status"] = record.status_code
        for key, value in record.__dict__.items():
            if key in _STANDARD or key in _NEVER or key.startswith("_") or key in entry:
                continue
            entry[key] = value if isinstance(value, (int, float, bool, type(None))) else str(value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def logging_config(*, fmt: str, level: str) -> dict:
    """The LOGGING dict for `fmt` "json" (production) or "plain" (development). `level` is a
    level name in any case (LOG_LEVEL=info or INFO): logging itself knows upper case only."""
    level = level.strip().upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ValueError(f"LOG_LEVEL={level!r}: not a logging level (DEBUG, INFO, WARNING, ERROR)")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "portal.core.logging.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {"()": "portal.core.logging.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if fmt == "json" else "plain",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # django.request logs the path only; we never add client addresses to log records
            "django.request": {"level": "ERROR"},
            "jieba": {"level": "WARNING"},
            "wagtail": {"level": "WARNING"},
            "django_tasks": {"level": "WARNING"},
            "pikepdf": {"level": "WARNING"},  # "C++ to Python logger bridge initialized"
        },
    }


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover - gunicorn is a dependency
    _GunicornLogger = object


class GunicornJsonLogger(_GunicornLogger):
    """gunicorn's logger with JSON lines. The access line has method, path, status, size,
    duration and request id only: no client address (REMOTE_ADDR is nginx anyway, and the
    real address must not sit next to the time and path of an anonymous complaint), no query
    string (search terms), no user agent or referrer (both help re-identify a person)."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        headers = {name.lower(): value for name, value in (resp.headers or [])}
        entry = {
            "ts": dt.datetime.now(tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "status": int(status) if str(status).isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": headers.get("x-request-id", ""),
        }
        try:
            self.access_log.info(json.dumps(entry, ensure_ascii=False))
        except Exception:  # pragma: no cover - never break a response for a log line
            self.error("access log line failed")
