"""Test settings: only speed things up."""

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
if not env("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "portal.core.cache.PrivateLocMemCache"}}

# Tests run tasks eagerly; tests that need the real broker start a worker and switch this off
# for themselves (tests/conftest.py: celery_worker fixture).
CELERY_TASK_ALWAYS_EAGER = True
