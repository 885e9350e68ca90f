"""What the rate-limit store (the cache, Redis in production) gives away after a complaint and a
rating sent through the real forms: read as an attacker would — every key, value and expiry of
the configured backend — it holds no client address, no /24, no plain or settings-keyed hash
of either, no precise time, and the same client's key changes once the secret rotates."""

import hashlib
import hmac
import pickle
import re
import time

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client, RequestFactory
from django.utils import timezone

from portal.core import ratelimit
from tests.portal.evaluation.conftest import GOOD
from tests.security.test_hostile_input import complaint_data

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
NET = "203.0.113.0/24"
GROUPS = {  # django-ratelimit groups and rate settings a complaint and a rating count under
    "complaint-new": "COMPLAINT_RATE_LIMIT",
    "evaluation.rate.client": "RATING_RATE_LIMIT",
    "evaluation.rate.voter": "RATING_VOTER_RATE_LIMIT",
}


def _cache():
    return caches[settings.RATELIMIT_USE_CACHE]


def _decode(raw) -> str:
    if isinstance(raw, bytes):
        try:
            return repr(pickle.loads(raw)) + raw.decode("latin-1")
        except Exception:
            return raw.decode("latin-1")
    return repr(raw)


def _entries() -> list[tuple[str, str, float | None]]:
    """(key, value as text, absolute expiry in seconds) of everything in the cache."""
    cache = _cache()
    if hasattr(cache, "_expire_info"):  # local memory
        return [(k, _decode(v), cache._expire_info.get(k)) for k, v in list(cache._cache.items())]
    client = cache._cache.get_client(write=False)  # Redis: what a reader of the instance sees
    out = []
    for k in client.scan_iter(count=1000):
        pexp = client.execute_command("PEXPIRETIME", k)
        out.append((k.decode(), _decode(client.get(k)), pexp / 1000 if pexp and pexp > 0 else None))
    return out


def _hashes(text: str) -> set[str]:
    out = set()
    for algo in (hashlib.md5, hashlib.sha1, hashlib.sha256):
        digest = algo(text.encode()).hexdigest()
        out |= {digest, digest[:32], digest[:16]}
    return out


def _forbidden() -> set[str]:
    plain = {IP, f"{IP}/32", NET, "203.0.113.", "203.0.113"}
    out = set(plain)
    for text in plain:
        out |= _hashes(text)
    # what the operator could rebuild from the settings alone (HMAC with VOTER_HASH_KEY,
    # per group and day, as before), and django-ratelimit's own key for key="ip"
    from django_ratelimit import ALL
    from django_ratelimit.core import _get_window, _make_cache_key, _split_rate

    day = timezone.now().strftime("%Y%m%d")
    for group, setting in GROUPS.items():
        rate = getattr(settings, setting)
        _, period = _split_rate(rate)
        values = {IP, f"{IP}/32"}
        for kind in (f"{group}|{day}", f"client|{group}", group):
            for value in (IP, f"{IP}/32"):
                msg = f"{kind}|{value}".encode()
                values.add(
                    hmac.new(settings.VOTER_HASH_KEY.encode(), msg, "sha256").hexdigest()[:32]
                )
        for value in values:
            out.add(value)
            for methods in (ALL, None, "POST", ["POST"]):
                out.add(_make_cache_key(group, _get_window(value, period), rate, value, methods))
    return {s.lower() for s in out}


_EPOCH = re.compile(r"(?<![0-9a-fA-F])(\d{10}|\d{13})(?:\.\d+)?(?![0-9a-fA-F])")


def _send_complaint_and_rating(world, addr=IP):
    client = Client(REMOTE_ADDR=addr)
    response = client.post("/complaints/new/", complaint_data(world["category"]))
    assert response.status_code in (200, 201, 302), response.status_code
    response = client.post(f"/rate/{world['official_a'].pk}/", GOOD)
    assert response.status_code in (200, 302), response.status_code
    return client


@pytest.fixture
def world(world, category):
    return {**world, "category": category}


def test_rate_limit_store_holds_no_address_hash_or_precise_time(world):
    _cache().clear()
    sent_at = time.time()
    _send_complaint_and_rating(world)
    entries = _entries()
    counters = [e for e in entries if ":rl:" in e[0] or e[0].startswith("rl:")]
    assert len(counters) >= 3, entries  # the limits did count (or this test proves nothing)
    forbidden = _forbidden()
    for key, value, _expiry in entries:
        text = f"{key} {value}".lower()
        leaked = [f for f in forbidden if f in text]
        assert not leaked, (key, leaked)
        for match in _EPOCH.finditer(value):
            number = float(match.group(0))
            number = number / 1000 if len(match.group(1)) == 13 else number
            assert abs(number - sent_at) > 2 * 86400, (key, value)  # no stored timestamp
    for key, _value, expiry in counters:
        assert expiry is not None, key
        # expires at a whole minute, not at "first request + timeout" to the millisecond
        assert expiry == int(expiry) and int(expiry) % 60 == 0, (key, expiry)


def test_same_client_gets_another_key_once_the_secret_rotates(world):
    _cache().clear()
    request = RequestFactory().post("/rate/1/", REMOTE_ADDR=IP)
    client = _send_complaint_and_rating(world)
    before = {k for k, *_ in _entries()}
    key_before = ratelimit.client_key("evaluation.rate.client", request)
    # the same client again, same secret: the limit recognises it (no new counter keys)
    client.post(f"/rate/{world['official_a'].pk}/", GOOD)
    assert ratelimit.client_key("evaluation.rate.client", request) == key_before
    # the period's secret expires (as it does at the end of the period): delete it
    secret_keys = [k for k in before if ":rl:secret:" in k or k.startswith("rl:secret:")]
    assert secret_keys, "the secret must live in the cache, where it expires"
    cache = _cache()
    if hasattr(cache, "_expire_info"):
        for k in secret_keys:
            cache._expire_info[k] = time.time() - 1
    else:
        cache._cache.get_client(write=True).delete(*secret_keys)
    key_after = ratelimit.client_key("evaluation.rate.client", request)
    assert key_after != key_before
    _send_complaint_and_rating(world)
    new_counters = {k for k, *_ in _entries() if ":rl:" in k and k not in before}
    assert new_counters, "after rotation the same client counts under new keys"


def test_keys_are_truncated_to_the_configured_bits(settings):
    settings.RATELIMIT_KEY_BITS = 64
    assert re.fullmatch(r"[0-9a-f]{16}", ratelimit.keyed("net", NET))


def test_secret_period_follows_the_setting(settings):
    _cache().clear()
    settings.RATELIMIT_SECRET_SECONDS = 86400
    daily = ratelimit.keyed("net", NET)
    settings.RATELIMIT_SECRET_SECONDS = 3600  # another period index: another secret
    assert ratelimit.keyed("net", NET) != daily


def test_phone_code_keys_cannot_be_rebuilt_from_the_settings(settings):
    """A reader of the cache holding the settings tries every mobile against the phone-code
    keys: with a settings-keyed HMAC (as before) one guess per number finds the phone that
    asked for a code; under the cache-only rotating secret none does."""
    from portal.evaluation import rules
    from portal.evaluation.services import phone_code_check, phone_code_send

    _cache().clear()
    phone = "13912345678"
    phone_code_send(phone=phone)
    phone_code_check(phone=phone, code="000000")  # a wrong guess: the failure counter exists
    keys = " ".join(k for k, _, _ in _entries())
    # the code itself, and two lock-out counters (portal.core.lockout): the send, the guess
    assert "phone-code" in keys and keys.count("rl:fail:") == 2
    for label in ("code", "code-fail"):
        assert rules.keyed_hash(settings.VOTER_HASH_KEY, label, phone) not in keys
    assert phone not in keys
