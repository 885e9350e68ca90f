"""Issue 14: a database reader cannot link a person's anonymous rating to their named one, nor
their ratings of different officials; the stored voter key carries few bits.

Every rating here goes through the public rating URL (the profile form's POST target), as a
person would submit it; the attacker then reads the rating table with raw SQL self-joins.
"""

import re
from datetime import date

import pytest
from django.db import connection
from django.test import override_settings

from portal.core import sms
from portal.evaluation.models import Rating

from .conftest import GOOD

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.evaluation.urls")]

NAMED = {**GOOD, "mode": "named", "name": "李明", "phone": "13800138000"}

# Columns that are the same for many people by design (the rated official, its unit, the
# month, the channel, the scores …) or unique per row (id, hashes): neither links a person.
# Every other column is self-joined below; a new column must be added to one list or the other.
NOT_PER_PERSON = {
    "id",
    "official",
    "unit",
    "level",
    "attitude",
    "efficiency",
    "style",
    "reason",
    "anonymous",
    "channel",
    "month",
    "voter_slot",
    "created_at",
    "seq",
    "prev_hash",
    "hash",
    "ticket",
}


def _linkable_columns():
    columns = [f.column for f in Rating._meta.concrete_fields if f.name not in NOT_PER_PERSON]
    assert {"voter_key", "network_key"} <= set(columns)
    return columns


def _links(ids):
    """Pairs of the given ratings that share a value in some per-person column (raw SQL, as a
    reader of a database dump would do it)."""
    found = []
    with connection.cursor() as cursor:
        for column in _linkable_columns():
            cursor.execute(
                f"SELECT a.id, b.id FROM evaluation_rating a JOIN evaluation_rating b "
                f"ON a.id < b.id AND a.{column} = b.{column} "
                f"WHERE a.{column} IS NOT NULL AND a.{column} <> ''"
            )
            found += [(column, a, b) for a, b in cursor.fetchall() if a in ids and b in ids]
    return found


def _post(client, official, data, addr="203.0.113.7"):
    return client.post(f"/rate/{official.pk}/", data, REMOTE_ADDR=addr)


def _code(client, official, phone, addr="203.0.113.7"):
    _post(client, official, {**GOOD, "phone": phone, "send_code": "1"}, addr)
    return sms.outbox[-1]["text"].split("验证码是")[1][:6]


def test_one_device_named_and_anonymous_ratings_of_two_officials_share_no_value(
    client, official, make_official
):
    other = make_official(unit=official.unit)
    third = make_official()
    assert _post(client, official, GOOD).status_code == 302  # anonymous, cookie set
    assert _post(client, other, NAMED).status_code == 302  # named, same device, same network
    assert _post(client, third, GOOD).status_code == 302  # anonymous again, another unit
    ids = set(Rating.objects.values_list("id", flat=True))
    assert len(ids) == 3
    assert _links(ids) == []


@override_settings(PHONE_VERIFICATION=True)
def test_one_phone_named_and_anonymous_ratings_of_two_officials_share_no_value(
    client, official, make_official
):
    other = make_official(unit=official.unit)
    phone = "13800138000"
    code = _code(client, official, phone)
    anonymous = {**GOOD, "phone": phone, "phone_code": code}
    assert _post(client, official, anonymous).status_code == 302
    second = client.__class__()  # another device, same person (the phone)
    code = _code(second, other, phone, addr="198.51.100.9")
    named = {**NAMED, "phone": phone, "phone_code": code}
    assert _post(second, other, named, addr="198.51.100.9").status_code == 302
    ids = set(Rating.objects.values_list("id", flat=True))
    assert len(ids) == 2
    assert _links(ids) == []


def test_the_monthly_limit_holds_whatever_the_anonymity_choice(client, official, make_official):
    assert _post(client, official, GOOD).status_code == 302
    refused = _post(client, official, NAMED)
    assert refused.status_code == 400
    assert "本月您已评价过该测评对象" in refused.content.decode()
    other = make_official(unit=official.unit)
    assert _post(client, other, NAMED).status_code == 302
    refused = _post(client, other, GOOD)
    assert "本月您已评价过该测评对象" in refused.content.decode()
    assert Rating.objects.count() == 2


@override_settings(PHONE_VERIFICATION=True)
def test_the_monthly_limit_follows_the_phone_across_devices_and_anonymity(client, official):
    phone = "13900139000"
    code = _code(client, official, phone)
    assert _post(client, official, {**NAMED, "phone": phone, "phone_code": code}).status_code == 302
    second = client.__class__()
    code = _code(second, official, phone, addr="198.51.100.9")
    refused = _post(second, official, {**GOOD, "phone": phone, "phone_code": code}, "198.51.100.9")
    assert "本月您已评价过该测评对象" in refused.content.decode()
    assert Rating.objects.count() == 1


def _stored_bits(value):
    match = re.fullmatch(r"v2:([0-9a-f]+)", value)
    assert match, f"not a scoped, truncated voter key: {value!r}"
    return int(match.group(1), 16).bit_length()


@pytest.mark.parametrize("bits", [23, 12])
def test_the_stored_voter_key_holds_at_most_the_configured_bits(
    client, official, make_official, settings, bits
):
    settings.RATING_VOTER_KEY_BITS = bits
    officials = [official] + [make_official(unit=official.unit) for _ in range(5)]
    for n, o in enumerate(officials):
        browser = client.__class__()
        assert _post(browser, o, GOOD, addr=f"203.0.113.{n + 1}").status_code == 302
    for key in Rating.objects.values_list("voter_key", flat=True):
        assert _stored_bits(key) <= bits
        assert len(key) <= len("v2:") + (bits + 3) // 4


def test_the_stored_network_key_is_short_and_scoped(client, official, make_official, settings):
    other = make_official(unit=official.unit)
    _post(client, official, GOOD)
    _post(client, other, GOOD)
    keys = list(Rating.objects.values_list("network_key", flat=True))
    assert len(set(keys)) == 2
    for key in keys:
        match = re.fullmatch(r"n2:([0-9a-f]+)", key)
        assert match and int(match.group(1), 16).bit_length() <= settings.RATING_NETWORK_KEY_BITS


def test_a_too_long_voter_key_refuses_to_start_and_to_rate(settings):
    from django.core.exceptions import ImproperlyConfigured

    from portal.evaluation import voters

    settings.RATING_VOTER_KEY_BITS = 24  # 1.6e9 / 2**24 = 95 numbers per key
    assert [e.id for e in voters.voter_key_settings_check()] == ["evaluation.E001"]
    with pytest.raises(ImproperlyConfigured):
        voters.voter_key(identity="phone:13800138000", official_id=1, month=date(2026, 3, 1))
    settings.RATING_VOTER_KEY_BITS = 23
    assert voters.voter_key_settings_check() == []


def test_staff_phone_hashes_share_no_secret_with_voter_keys(settings):
    from portal.evaluation import rules, voters

    phone = "13800138000"
    legacy = rules.keyed_hash(settings.VOTER_HASH_KEY, "staff-phone", phone)
    assert voters.staff_phone_hash(phone) != legacy
    settings.STAFF_PHONE_HASH_SECRET = "another secret"
    separate = voters.staff_phone_hash(phone)
    settings.RATING_VOTER_SECRET = "a third"
    assert voters.staff_phone_hash(phone) == separate  # the voter secret does not enter it
    settings.STAFF_PHONE_LEGACY_LOOKUP = False
    assert voters.staff_phone_hashes(phone) == [separate]


def test_the_rating_chain_verifies_with_the_new_keys(client, official, make_official):
    from django.core.management import call_command

    _post(client, official, GOOD)
    _post(client, make_official(), NAMED)
    call_command("verify_audit", verbosity=0)  # exits non-zero on a broken chain


def test_yesterdays_network_keys_cannot_be_reversed_with_the_settings(
    client, official, make_official, settings
):
    """An operator holding the database and the settings tries every /24 against the stored
    network keys of one official's day: with a settings-derived secret (as before) the rater's
    network is among ~256 candidates per key, and two of its ratings pin it exactly. Once the
    period's cache-only secret is gone, the true network no longer matches."""
    from django.core.cache import caches
    from django.utils import timezone

    from portal.core import ratelimit
    from portal.evaluation import voters

    other = make_official(unit=official.unit)
    _post(client, official, GOOD, addr="10.77.123.9")
    _post(client, other, GOOD, addr="10.77.123.10")
    stored = list(Rating.objects.all())
    caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")].clear()  # the period ends
    ratelimit._fallback.clear()
    for rating in stored:
        day = timezone.localdate(rating.created_at)
        matches = [
            b
            for b in range(256)
            if voters.network_key(client_ip=f"10.77.{b}.1", official_id=rating.official_id, day=day)
            == rating.network_key
        ]
        assert 123 not in matches
