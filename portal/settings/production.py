"""Production: adds no integration, only insists that every service is configured."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_bool, env_list

REQUIRED = [
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "VOTER_HASH_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "RECEIPT_SIGNING_KEY",
]
if not env_bool("SEARCH_DATABASE_ONLY", False):
    REQUIRED.append("ELASTICSEARCH_URL")
_missing = [name for name in REQUIRED if not env(name)]
if _missing:
    raise ImproperlyConfigured("missing environment variables: " + ", ".join(_missing))

DEBUG = False
SERVE_FILES = env_bool("SERVE_FILES", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# probes (systemd, compose healthchecks, Prometheus) talk plain HTTP to gunicorn directly
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# staff two-factor sign-in is on unless explicitly switched off
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", True)
# /metrics: no address is trusted unless named; Prometheus uses METRICS_TOKEN
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "")

# JSON logs by default (one object per line, request id, never a client address)
from portal.core.logging import logging_config  # noqa: E402

LOG_FORMAT = env("LOG_FORMAT", "json")
LOGGING = logging_config(fmt=LOG_FORMAT, level=env("LOG_LEVEL", "INFO"))
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

if not SERVE_FILES:
    # nginx serves collected files with far-future expiry: hashed names bust caches
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
