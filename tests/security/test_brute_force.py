"""Brute force: receipt codes, staff sign-in and SMS codes are throttled; the number of guesses
an attacker gets per hour is computed from the configured limits, printed, and checked by
actually guessing until refused."""

import math

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from portal.core.throttle import attempts_per_hour_bound, rate_per_hour

pytestmark = pytest.mark.django_db

RECEIPT_SPACE = 10**16  # 16-digit receipt codes
SMS_SPACE = 10**6  # 6-digit SMS codes


def _client(address="198.51.100.7"):
    return Client(REMOTE_ADDR=address)


def test_receipt_code_guessing_locks_the_number_and_the_client(world, capsys):
    case, receipt = world["case"], world["receipt"]
    client = _client()
    allowed = 0
    for _ in range(settings.TRACK_MAX_FAILURES + 5):
        response = client.post(
            "/complaints/track/", {"number": case.number, "code": "0000000000000000"}
        )
        assert response.status_code in (400, 423)
        allowed += 1  # this guess was checked (the one that locks is checked too)
        if response.status_code == 423:
            break
    assert allowed == settings.TRACK_MAX_FAILURES
    # locked: even the right code is refused now
    right = client.post("/complaints/track/", {"number": case.number, "code": receipt.code})
    assert right.status_code == 423

    # per client, across numbers: the view's rate limit
    cache.clear()
    other = _client("198.51.100.8")
    per_client = 0
    for i in range(int(rate_per_hour(settings.TRACK_RATE_LIMIT)) + 5):
        response = other.post(
            "/complaints/track/", {"number": f"TS20260101-{i:04d}", "code": "1234567890123456"}
        )
        if response.status_code == 429:
            break
        per_client += 1
    assert per_client <= rate_per_hour(settings.TRACK_RATE_LIMIT)

    per_number_per_hour = settings.TRACK_MAX_FAILURES * math.ceil(60 / settings.TRACK_LOCK_MINUTES)
    per_year = per_number_per_hour * 24 * 365
    with capsys.disabled():
        print(
            f"\n[brute force] receipt code: {allowed} wrong codes then locked "
            f"{settings.TRACK_LOCK_MINUTES} min -> at most {per_number_per_hour} guesses/hour "
            f"on one tracking number (any number of clients); {per_client} tries/hour per "
            f"client; chance to hit a 16-digit code in a year: {per_year / RECEIPT_SPACE:.1e}"
        )
    assert per_number_per_hour <= settings.TRACK_MAX_FAILURES * (
        60 / settings.TRACK_LOCK_MINUTES + 1
    )
    assert per_year / RECEIPT_SPACE < 1e-9


def test_staff_sign_in_is_throttled_per_username_and_per_network(world, capsys):
    office = world["users"]["office"]
    client = _client("203.0.113.10")
    tries = 0
    for _ in range(100):
        response = client.post(
            "/admin/login/", {"username": office.username, "password": "wrong-guess"}
        )
        if response.status_code == 429:
            break
        assert response.status_code == 200  # the form again, "wrong password"
        tries += 1
    bound = attempts_per_hour_bound()
    assert 0 < tries <= bound
    # the right password is not even checked now
    right = client.post("/admin/login/", {"username": office.username, "password": "x"})
    assert right.status_code == 429
    # another address in the same /24 is the same network
    response = _client("203.0.113.77").post(
        "/admin/login/", {"username": office.username, "password": "wrong"}
    )
    assert response.status_code == 429

    # spraying many usernames from one network meets the network limit
    cache.clear()
    spray = _client("100.64.9.1")
    sprayed = 0
    for i in range(200):
        response = spray.post("/admin/login/", {"username": f"user{i}", "password": "123456"})
        if response.status_code == 429:
            break
        sprayed += 1
    assert sprayed <= rate_per_hour(settings.SIGN_IN_RATE_LIMIT_NETWORK)
    with capsys.disabled():
        print(
            f"\n[brute force] staff sign-in: {tries} guesses on one account, then 429 -> at "
            f"most {bound:.0f} guesses/hour per account from one network, "
            f"{sprayed} attempts/hour per network over many accounts (and two-factor "
            f"sign-in behind the password in production)"
        )


def test_wrong_passwords_from_one_network_do_not_lock_the_owner_out(world):
    """Attack on the old code: ten wrong passwords from anywhere locked the account for an hour
    for everyone (a per-username limit). Now the limit is per (account, network)."""
    from tests.security.conftest import PASSWORD

    office = world["users"]["office"]
    attacker = _client("203.0.113.10")
    for _ in range(100):
        response = attacker.post(
            "/admin/login/", {"username": office.username, "password": "wrong-guess"}
        )
        if response.status_code == 429:
            break
    assert response.status_code == 429
    owner = _client("192.0.2.5")
    response = owner.post("/admin/login/", {"username": office.username, "password": PASSWORD})
    assert response.status_code == 302


def test_junk_sign_ins_with_random_usernames_lock_out_only_their_network(world):
    from tests.security.conftest import PASSWORD

    office = world["users"]["office"]
    spray = _client("100.64.9.1")
    for i in range(200):
        if spray.post("/admin/login/", {"username": f"x{i}", "password": "1"}).status_code == 429:
            break
    else:
        raise AssertionError("the network limit never answered")
    response = _client("192.0.2.6").post(
        "/admin/login/", {"username": office.username, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_a_correct_sign_in_still_works_under_the_limit(world):
    office = world["users"]["office"]
    from tests.security.conftest import PASSWORD

    response = _client().post("/admin/login/", {"username": office.username, "password": PASSWORD})
    assert response.status_code == 302


def _sms_post(client, official, phone, code):
    return client.post(
        f"/rate/{official.pk}/",
        {
            "level": "4",
            "attitude": "4",
            "efficiency": "4",
            "style": "4",
            "mode": "named",
            "name": "王五",
            "phone": phone,
            "phone_code": code,
            "captcha_0": "x",
            "captcha_1": "PASSED",
        },
    )


def test_sms_code_guesses_are_limited_per_client(world, settings, capsys):
    settings.PHONE_VERIFICATION = True
    official, phone = world["official_a"], "13900139000"
    from portal.evaluation.services import phone_code_send

    phone_code_send(phone=phone)
    client = _client("198.51.100.50")
    tries = 0
    for i in range(200):
        response = _sms_post(client, official, phone, f"{i:06d}x"[:6])
        assert response.status_code == 400
        if "过于频繁" in response.content.decode() or "too many" in response.content.decode():
            break
        tries += 1
    per_client = rate_per_hour(settings.RATING_RATE_LIMIT)
    assert tries <= per_client
    window = settings.PHONE_CODE_TTL_SECONDS / 3600
    sends = rate_per_hour(settings.PHONE_CODE_RATE_LIMIT)
    with capsys.disabled():
        print(
            f"\n[brute force] SMS code: {tries} guesses per client address per hour "
            f"(RATING_RATE_LIMIT); a code lives {settings.PHONE_CODE_TTL_SECONDS}s, so one "
            f"address has a {tries * min(1, window) / SMS_SPACE:.1e} chance per code and "
            f"{sends:.0f} codes/hour can be requested per address"
        )


def test_sms_code_is_burned_after_a_few_wrong_guesses_from_many_addresses(world, settings):
    settings.PHONE_VERIFICATION = True
    official, phone = world["official_a"], "13900139001"
    from portal.core import sms
    from portal.evaluation.services import phone_code_send

    sms.outbox.clear()
    phone_code_send(phone=phone)
    import re

    code = re.search(r"验证码是(\d{6})", sms.outbox[-1]["text"]).group(1)
    for i in range(20):
        _sms_post(
            _client(f"192.0.2.{i + 1}"), official, phone, "999999" if code != "999999" else "000000"
        )
    response = _sms_post(_client("192.0.2.200"), official, phone, code)
    assert response.status_code == 400  # the code is gone after many wrong guesses


@pytest.mark.parametrize("variant", ["ＡＬＩＣＥ", "𝐚𝐥𝐢𝐜𝐞", "ALICE "])
def test_look_alike_usernames_share_the_accounts_bucket(world, settings, variant):
    """Red team: /_util/login/ normalises the username to NFKC, the throttle did not, so each
    look-alike spelling of an account got a fresh bucket and the right password went through."""
    from portal.accounts import roles
    from tests.factories import StaffUserFactory
    from tests.security.conftest import PASSWORD

    cache.clear()
    settings.SIGN_IN_RATE_LIMIT_USERNAME = "3/h"
    StaffUserFactory(username="alice", role=roles.OFFICE, password=PASSWORD)
    client = _client("198.18.0.10")
    for _ in range(3):
        client.post("/_util/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/_util/login/", {"username": variant, "password": PASSWORD})
    assert response.status_code == 429


def test_successful_sign_ins_do_not_use_up_the_network(world, settings):
    """Red team: six clerks signing in correctly behind one address were refused the sixth time."""
    from tests.security.conftest import PASSWORD

    cache.clear()
    settings.SIGN_IN_RATE_LIMIT_NETWORK = "3/h"
    office = world["users"]["office"]
    statuses = [
        _client("198.18.1.10")
        .post("/admin/login/", {"username": office.username, "password": PASSWORD})
        .status_code
        for _ in range(6)
    ]
    assert statuses == [302] * 6
