"""Production: adds no integration, only insists that every service is configured."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env, env_bool

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
