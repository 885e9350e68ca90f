"""Test settings: only speed things up."""

import os

from .base import *  # noqa: F403
from .base import env

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # receipt codes
]
RECEIPT_HASH_ITERATIONS = 1000
CAPTCHA_TEST_MODE = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "portal.core.sms.LocmemBackend"
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / "test-artifacts" / "private-media"  # noqa: F405
# pytest-xdist: each worker gets its own Redis database (a test that clears the cache runs
# FLUSHDB, which must not wipe the other worker's counters mid-test); gw0 -> db+1, gw1 -> db+2
_worker = os.environ["PYTEST_XDIST_WORKER"] if "PYTEST_XDIST_WORKER" in os.environ else ""
if _worker and env("REDIS_URL"):
    from urllib.parse import urlsplit

    _url = urlsplit(env("REDIS_URL"))
    _db = _url.path.strip("/")
    _index = (int(_db) if _db.isdigit() else 0) + 1 + int(_worker.removeprefix("gw") or 0)
    # 15 is the real Celery worker test's broker
    CACHES["default"]["LOCATION"] = _url._replace(path=f"/{_index % 15}").geturl()  # noqa: F405
if not env("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "portal.core.cache.PrivateLocMemCache"},
        "pages": CACHES["pages"],  # noqa: F405
    }

# Tests run tasks eagerly; tests that need the real broker start a worker and switch this off
# for themselves (tests/conftest.py: celery_worker fixture).
CELERY_TASK_ALWAYS_EAGER = True

# The public page cache is on in production (and in the smoke and nginx stacks, which run the
# production settings). Here it is off by default, because many tests change data with update()
# or override_settings and then read a page, which no version signal sees; and query-count
# tests would count a cache hit. tests/portal/core/test_pagecache.py turns it on for itself.
PAGE_CACHE_ENABLED = False
