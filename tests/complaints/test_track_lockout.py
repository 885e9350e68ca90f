"""Tracking lock-outs an attacker cannot turn against the owner (issue 15).

Attack on the old code: five wrong codes from anyone locked a tracking number for everyone for
30 minutes, the owner included, and numbers are sequential, so one script kept every complaint
locked. Now a guesser locks only itself out of that number; many guessers make the number ask
for a captcha (one solved challenge per further guess), never lock it; and every answer costs
the same single hash, so timing does not tell a missing number from a wrong or short code."""

import pytest
from django.contrib.auth import hashers
from django.test import Client

pytestmark = pytest.mark.django_db

WRONG = "0000000000000000"
OWNER = "203.0.113.9"


def _track(address, number, code, **extra):
    return Client(REMOTE_ADDR=address).post(
        "/complaints/track/", {"number": number, "code": code, **extra}
    )


def test_a_guesser_locks_itself_out_but_the_owner_gets_in_at_once(make_case, settings):
    case, receipt = make_case()
    guesser = "198.51.100.7"
    statuses = [
        _track(guesser, case.number, WRONG).status_code for _ in range(settings.TRACK_MAX_FAILURES)
    ]
    assert statuses[:-1] == [400] * (settings.TRACK_MAX_FAILURES - 1) and statuses[-1] == 423
    # the guesser is locked out of this number, even with the right code
    assert _track(guesser, case.number, receipt.code).status_code == 423
    # the owner, from their own connection, is not
    assert _track(OWNER, case.number, receipt.code).status_code == 302


def test_guessers_walking_every_number_lock_out_nobody(make_case, settings):
    cases = [make_case() for _ in range(3)]
    for case, _ in cases:
        for _ in range(settings.TRACK_MAX_FAILURES):
            _track("198.51.100.8", case.number, WRONG)
    for case, receipt in cases:
        assert _track(OWNER, case.number, receipt.code).status_code == 302


def test_many_guessers_make_the_number_ask_for_a_captcha_not_lock_it(make_case, settings):
    settings.TRACK_NUMBER_FAILURES = 6
    case, receipt = make_case()
    for i in range(settings.TRACK_NUMBER_FAILURES):  # one wrong code each from many clients
        assert _track(f"198.51.100.{10 + i}", case.number, WRONG).status_code == 400
    # the number has had its free guesses this hour: without a captcha, no code is checked
    fresh = _track("198.51.100.99", case.number, receipt.code)
    assert fresh.status_code == 400 and 'name="captcha_1"' in fresh.content.decode()
    # a wrong captcha checks nothing either
    wrong_captcha = _track(OWNER, case.number, receipt.code, captcha_0="x", captcha_1="nope")
    assert wrong_captcha.status_code == 400
    # the owner solves the captcha and is in
    solved = _track(OWNER, case.number, receipt.code, captcha_0="x", captcha_1="PASSED")
    assert solved.status_code == 302
    # a guesser who solves it still gets only a wrong-code answer
    guess = _track("198.51.100.98", case.number, WRONG, captcha_0="x", captcha_1="PASSED")
    assert guess.status_code == 400


def test_guesses_without_a_captcha_are_bounded_per_number_per_hour(make_case, settings):
    """However many clients guess, at most TRACK_NUMBER_FAILURES codes a number per window are
    checked without a solved captcha (the right code is no longer accepted without one)."""
    settings.TRACK_NUMBER_FAILURES = 4
    case, receipt = make_case()
    for i in range(20):
        _track(f"192.0.2.{i}", case.number, WRONG)
    assert _track("192.0.2.200", case.number, receipt.code).status_code == 400


@pytest.fixture
def hashes(monkeypatch):
    """Counts PBKDF2 runs (the receipt code's slow hash)."""
    calls = []
    real = hashers.pbkdf2

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashers, "pbkdf2", counting)
    return calls


def test_every_tracking_answer_costs_exactly_one_hash(make_case, settings, hashes):
    case, receipt = make_case()
    attempts = {
        "no such number": ("TS20200101-9999", WRONG),
        "wrong code": (case.number, WRONG),
        "short code": (case.number, "12"),
        "letters": (case.number, "abcdefghijklmnop"),
        "right code": (case.number, receipt.code),
    }
    for label, (number, code) in attempts.items():
        hashes.clear()
        _track("198.51.100.50", number, code)
        assert len(hashes) == 1, label
    for _ in range(settings.TRACK_MAX_FAILURES):
        _track("198.51.100.51", case.number, WRONG)
    hashes.clear()
    assert _track("198.51.100.51", case.number, receipt.code).status_code == 423
    assert len(hashes) == 1, "locked"
