"""Rate-limit keys that identify nobody.

Why: anonymity is a promise. The client address is turned into an HMAC with VOTER_HASH_KEY and
the current day, so the key changes daily and cannot be reversed; django-ratelimit keeps it
only in the cache with a short expiry. The raw address is never stored or logged.
"""

import hashlib
import hmac

from django.conf import settings
from django.utils import timezone


def client_key(group, request) -> str:
    meta_key = getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR"
    address = (request.META.get(meta_key) or "").split(",")[0].strip()
    day = timezone.now().strftime("%Y%m%d")
    digest = hmac.new(
        settings.VOTER_HASH_KEY.encode(), f"{group}|{day}|{address}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:32]
