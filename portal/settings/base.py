"""Settings for every environment.

With no environment variables at all this runs the embedded default: SQLite, eager Celery,
local-memory cache, database search, console e-mail and SMS. Each real service is switched on
by its own variable (DATABASE_URL, REDIS_URL, CELERY_BROKER_URL, ELASTICSEARCH_URL).
`production.py` makes them required. The business rules' numbers live in `rules.py`.
"""

import os
import shutil
from pathlib import Path

import dj_database_url

from .rules import *  # noqa: F403  (every number from the seeds, overridable by env)

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "insecure-development-key-change-me-" + "x" * 20)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # ours first so our templates override
    "portal",
    "portal.accounts",
    "portal.audit",
    "portal.outbox",  # transactional outbox for Celery tasks (sent again when the broker is back)
    "cms",
    "search",
    "portal.evaluation",
    "complaints",
    "complaints.publication",
    "portal.reporting",
    # wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "captcha",
    # staff two-factor sign-in (TOTP); enforced by STAFF_2FA_REQUIRED
    "django_otp",
    "django_otp.plugins.otp_totp",
    # django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "portal.middleware.RequestIdMiddleware",  # first: every log line carries the request id
    "portal.core.metrics.MetricsMiddleware",
    "portal.core.ratelimit.SecretMemoMiddleware",  # the rate-limit secret read once per request
    "django.middleware.security.SecurityMiddleware",
    "portal.core.input_guard.InputGuardMiddleware",  # NUL in any parameter: 400, never a DataError
    "portal.middleware.SecurityHeadersMiddleware",
    "portal.middleware.BackOfficeNoStoreMiddleware",  # no-store on staff answers (issue 14)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # anonymous public GETs from the cache, before session, user and database are read
    "portal.core.pagecache.PublicPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.core.throttle.SignInThrottleMiddleware",  # staff password guesses per network/username
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # persistent connections: +43 % on Wagtail pages measured on these machines
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, rate-limit store ----------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    # Redis down is not an outage: the backend serves from process memory meanwhile and tries
    # Redis again every RETRY_SECONDS; short timeouts so a request waits at most that once
    # (portal.core.cache)
    CACHES = {
        "default": {
            "BACKEND": "portal.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "portal"),
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 1.0,
                "RETRY_SECONDS": 5,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "portal.core.cache.PrivateLocMemCache"}}
# rate-limit counters (and their secret) live under this prefix: coarse expiry, see
# portal.core.cache; keys built by portal.core.ratelimit
RATELIMIT_USE_CACHE = "default"
RATELIMIT_CACHE_PREFIX = "rl:"
# Behind nginx REMOTE_ADDR is the proxy. Only when REMOTE_ADDR is one of these addresses/CIDRs
# is the client taken from X-Forwarded-For (portal.core.netaddr); empty trusts no proxy.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
# django-ratelimit's "ip" key goes through the same function
RATELIMIT_IP_META_KEY = "portal.core.netaddr.client_address"

# the public page cache (portal/core/pagecache.py): never these paths (back office, forms,
# APIs, files, health); the areas beyond "public" a path reads; a bound on staleness should a
# write bypass the version signals (portal/reporting/signals.py)
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "600"))
PAGE_CACHE_EXCLUDE = (
    "/admin/",
    "/office/",
    "/dept/",
    "/complaints/",
    "/captcha/",
    "/rate/",
    "/ratings/",  # the rating receipt and its proof (per person)
    "/qr/",
    "/ticket/",
    "/kiosk/",
    "/open311/",
    "/i18n/",
    "/documents/",
    "/static/",
    "/media/",
    "/private-media/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/_util/",
)
PAGE_CACHE_VERSIONS = {"/stats/": ["stats"]}
# the pages in each process's bounded memory (the versions in the shared cache): a flood of
# distinct URLs churns this, never the rate-limit state in Redis
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_MAX_BYTES = 512 * 1024
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "public-pages",
    "OPTIONS": {"MAX_ENTRIES": int(env("PAGE_CACHE_MAX_ENTRIES", "1000")), "CULL_FREQUENCY": 4},
}

# --- celery ---------------------------------------------------------------------------------
# the embedded default names a host: kombu warns "No hostname was supplied" for a bare memory://
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not env("CELERY_BROKER_URL") and not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "portal")
# the outbox's daily prune: a sent message is kept this many days (to look into a delivery),
# an unsent one until it is sent
OUTBOX_KEEP_DAYS = 7
# ... and an idempotency key (TaskRun) this many days: it must outlive every redelivery of its
# task (broker visibility timeout, retries with backoff, a relay after a long outage)
OUTBOX_TASKRUN_KEEP_DAYS = 30
# the beat schedule is declared in portal/celery.py

# --- search ---------------------------------------------------------------------------------
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL")
SEARCH_BACKEND = (
    "search.backends.elasticsearch" if ELASTICSEARCH_URL else "search.backends.database"
)
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", "portal")
# Chinese analyzer of the Elasticsearch mapping: "smartcn" (analysis-smartcn plugin) or IK's
# "ik_max_word" (then SEARCH_ES_SEARCH_ANALYZER="ik_smart"); changing it needs search_reindex
SEARCH_ES_ANALYZER = env("SEARCH_ES_ANALYZER", "smartcn")
SEARCH_ES_SEARCH_ANALYZER = env("SEARCH_ES_SEARCH_ANALYZER", "")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- e-mail and SMS -------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# the directory of the file-based backend (a staging stack that keeps every mail it sends)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "test-artifacts" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "xiaoneng@localhost")
OFFICE_NOTIFY_EMAILS = env_list("OFFICE_NOTIFY_EMAILS", "xiaoneng-office@localhost")
SMS_BACKEND = env("SMS_BACKEND", "portal.core.sms.ConsoleBackend")
SMS_HTTP_URL = env("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN", "")

# Ratings are chained by the sealer after the request (portal/evaluation/sealing.py): beat
# runs it every RATING_SEAL_INTERVAL_SECONDS (read by portal/celery.py from the environment),
# and verify_audit reports a rating left unsealed longer than RATING_SEAL_MAX_DELAY_SECONDS,
# the published bound of the unsealed window.
RATING_SEAL_INTERVAL_SECONDS = float(env("RATING_SEAL_INTERVAL_SECONDS", "5"))
RATING_SEAL_MAX_DELAY_SECONDS = float(env("RATING_SEAL_MAX_DELAY_SECONDS", "10"))

# --- secrets for privacy --------------------------------------------------------------------
# Keyed hashes of phone numbers / devices (voter keys, staff lists) use this key, never SECRET_KEY
# alone, so that rotating the session secret does not re-identify or orphan voters.
VOTER_HASH_KEY = env("VOTER_HASH_KEY", SECRET_KEY)
# Separate secrets for rating voter keys, rating network keys and staff phone hashes
# (portal/evaluation/voters.py). Unset, each is derived from VOTER_HASH_KEY with HKDF under
# its own label, so no value of one kind can be joined to another; set them apart in
# production so that one leaked secret does not open the others.
RATING_VOTER_SECRET = env("RATING_VOTER_SECRET", "")
RATING_NETWORK_SECRET = env("RATING_NETWORK_SECRET", "")
STAFF_PHONE_HASH_SECRET = env("STAFF_PHONE_HASH_SECRET", "")
# staff lists imported before these secrets existed are hashed with VOTER_HASH_KEY: looked up
# that way too until the office has re-imported every unit's list (then set to 0)
STAFF_PHONE_LEGACY_LOOKUP = env_bool("STAFF_PHONE_LEGACY_LOOKUP", True)
# Contact data of complainants is encrypted at rest with MultiFernet; first key encrypts,
# all keys decrypt (rotation: prepend a new key, run rotate_contact_keys, drop the old one).
FIELD_ENCRYPTION_KEYS = env_list(
    "FIELD_ENCRYPTION_KEYS", "Pf9S7yYhV6uZ2k5nYxq4vKc3bq2d0m9s8Jr1t6wQe0A="
)
RECEIPT_SIGNING_KEY = env("RECEIPT_SIGNING_KEY", SECRET_KEY)

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# what a citizen reads: 2026年12月2日 08:31 / 2 Dec 2026 08:31 (|date:"DATETIME_FORMAT")
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]

# --- static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# confidential files (attachments, month-end reports, warning-talk minutes) live here, outside
# MEDIA_ROOT, so /media/ never serves them (portal.core.storage.private_storage)
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(MEDIA_ROOT.parent / "private-media")))
SERVE_FILES = env_bool("SERVE_FILES", True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "效能测评与投诉平台"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "csv", "txt"]

# --- captcha --------------------------------------------------------------------------------
# readable (issue 21): 5 characters from an alphabet without look-alikes (no 0/O, 1/I/L,
# 2/Z, 5/S, 8/B), a 150×50 image with large letters, little rotation, dots but no arcs; a
# refresh button wherever it appears, and an audio version when flite is installed
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 10
CAPTCHA_CHALLENGE_FUNCT = "portal.core.captcha.clear_char_challenge"
CAPTCHA_IMAGE_SIZE = (150, 50)
CAPTCHA_FONT_SIZE = 34
CAPTCHA_LETTER_ROTATION = (-12, 12)
CAPTCHA_NOISE_FUNCTIONS = ("captcha.helpers.noise_dots",)
CAPTCHA_FLITE_PATH = shutil.which("flite")
CAPTCHA_TEST_MODE = env_bool("CAPTCHA_TEST_MODE", False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/admin/login/"

# --- security (also fine for development) ---------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Only accounts have sessions (staff, and monitors, who sign in the same way; complainants and
# raters get none), so the staff limit is the session age: 8 hours, with Wagtail's "remember me"
# or without (then a browser-session cookie, still ended on the server after 8 hours).
# A password change ends every other session (Django checks the session's password hash on
# each request; the browser that changed it is kept by update_session_auth_hash).
SESSION_COOKIE_AGE = STAFF_SESSION_SECONDS  # noqa: F405
# every answer under these prefixes gets Cache-Control: no-store (portal.middleware)
BACK_OFFICE_PATH_PREFIXES = env_list("BACK_OFFICE_PATH_PREFIXES", "/admin/,/office/,/dept/")

# --- operations (deploy/, issue 8) ----------------------------------------------------------
# LOG_FORMAT=json: one JSON object per line with the request id (portal/core/logging.py)
LOG_FORMAT = env("LOG_FORMAT", "plain")
from portal.core.logging import logging_config  # noqa: E402

LOGGING = logging_config(fmt=LOG_FORMAT, level=env("LOG_LEVEL", "INFO"))
if CELERY_TASK_ALWAYS_EAGER:
    # the embedded default runs every task in the request or command that queued it: one INFO
    # line per task ("Task … succeeded", 600 of them over seed_demo) says nothing there; a
    # failure still logs (ERROR), and a real worker keeps its INFO lines
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
# the worker logs through LOGGING too, so its lines are JSON with the task id
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"
# /metrics: a bearer token, or a direct (not proxied) connection from these addresses
METRICS_TOKEN = env("METRICS_TOKEN", "")
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
# TOTP for office and department staff in the admin; off in the embedded demo, on in production
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", False)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "效能测评与投诉平台")
# staff browsers contact no third party from the admin (the CSP would refuse it anyway):
# no Wagtail release check, no Gravatar (it would receive a hash of each staff e-mail)
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# TrueType CJK fonts to embed in generated PDFs, first found wins (portal/core/pdf.py)
PDF_CJK_FONT_PATHS = env_list(
    "PDF_CJK_FONT_PATHS",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc,/usr/share/fonts/truetype/arphic/uming.ttc,"
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
