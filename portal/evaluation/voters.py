"""Voter keys, network keys and staff phone hashes of the rating domain (re-exported by services).

Owns the rules (issue 14, DESIGN.md "Privacy model"):
- A voter *identity* (the SMS-verified phone, or the device cookie with its /24 network) is
  never stored. What a rating row stores is `voter_key(identity, official, month, slot)`: a
  keyed hash scoped to the one rule that needs it (one rating per voter, official and month)
  and cut to RATING_VOTER_KEY_BITS bits. It shares no value across officials, months or slots,
  so a self-join of the rating table links nothing: not a person's ratings of two officials,
  not their named rating to their anonymous one.
- Named and anonymous ratings use the same scoped key, so the monthly limit holds whatever the
  anonymity choice. That links nothing, because the limit itself forbids a second rating in the
  same scope: with the default limit of 1 a person has one rating per (official, month). With a
  limit of N each slot 1…N has its own key, so even then no two rows share a key by design.
- k-anonymity: with the database AND every key, an attacker who hashes every mobile number for
  one rating's scope finds RATING_PHONE_SPACE / 2**bits numbers on its value: 1.6e9 (numbers in
  use; every 1[3-9]x number is 7e9, k = 834) / 2**23 ≈ 191 at the default. Measured with
  bench/voter_key_k.py (2e6 numbers hashed under one scope, uniform within sampling error):
  mean 190.8, sd 13.8, smallest over all 2**23 values ≈ 122; expected values below 100:
  1.6e-6. (If only 7e8 numbers were plausible, 23 bits would give 83: use 22.) What it does
  NOT give: against a short list of suspects the key still confirms or clears each one (a wrong
  suspect matches with probability 2**-23), so it protects against enumeration, not against
  testing a suspect the attacker already has; that needs the key out of the attacker's hands.
- The price is false refusals: a new rater of an official is refused ("already rated") when one
  of the n earlier raters of that official this month, another person, holds the same
  truncated key, probability ≈ n / 2**23: n = 50 → 6.0e-6, n = 500 → 6.0e-5, n = 5000 →
  6.0e-4 per rater (simulated 2.5e-6, 6.5e-5, 5.0e-4); a whole month of 5000 raters of one
  official: ≈ 1.5 people refused in expectation, 500 raters: 0.015. Nanfeng's 470 officials
  see tens to hundreds of ratings a month. A refused person is told "already rated".
- Rows written before this scheme keep their 64-hex keys (the rating table is append-only: no
  UPDATE, migration 0002's trigger): they never equal a new "v2:" key, so in the switch-over
  month a person who rated under the old key can rate the same official once more; old rows
  stay linkable to each other, as they were, and nothing new is linkable to them.
- Network keys (burst detection, suspicious.py) are scoped per official and local day and cut
  to RATING_NETWORK_KEY_BITS: no stable per-person value across officials or days.
- The cross-official per-voter rate limit lives only in the cache (portal.core.ratelimit.keyed,
  django-ratelimit's window as expiry); nothing stored carries an unscoped identity.
- Staff phone hashes use their own secret (STAFF_PHONE_HASH_SECRET), voter keys theirs
  (RATING_VOTER_SECRET), network keys theirs (RATING_NETWORK_SECRET); unset, each is derived
  from VOTER_HASH_KEY with HKDF under its own label.
"""

import secrets
from datetime import date
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from portal.core.phone import phone_normalise
from portal.core.ratelimit import keyed, period_secret

from . import rules

VOTER_KEY_PREFIX = "v2:"
NETWORK_KEY_PREFIX = "n2:"
KIOSK_KEY_PREFIX = "k:"  # a kiosk rating is one person served: random, never a collision
LEGACY_STAFF_PHONE_LABEL = "staff-phone"


@lru_cache(maxsize=16)
def _derive(root: str, label: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"portal/{label}".encode()
    ).derive(root.encode())


def _secret(setting: str, label: str) -> bytes:
    explicit = getattr(settings, setting, "")
    if explicit:
        return _derive(explicit, label)
    return _derive(settings.VOTER_HASH_KEY, label)


def _bits() -> int:
    bits = settings.RATING_VOTER_KEY_BITS
    problem = rules.voter_key_bits_problem(
        bits=bits, space=settings.RATING_PHONE_SPACE, k_min=settings.RATING_VOTER_K_MIN
    )
    if problem:
        raise ImproperlyConfigured(problem)
    return bits


def _hex(value: int, bits: int) -> str:
    return f"{value:0{(bits + 3) // 4}x}"


def identity_for_phone(phone: str) -> str:
    """The voter of an SMS-verified rating. Never stored; only hashed into scoped keys."""
    return "phone:" + phone_normalise(phone)


def identity_for_device(*, device: str, client_ip: str) -> str:
    """The voter of an unverified rating: device cookie plus the coarse client network."""
    return f"device:{device}|{rules.network_prefix(client_ip)}"


def voter_key(*, identity: str, official_id: int, month: date, slot: int = 1) -> str:
    """The stored key of the monthly limit: scoped to (official, month, slot), truncated."""
    bits = _bits()
    scope = f"{official_id}|{month.isoformat()}|{slot}"
    value = rules.truncated_hmac(_secret("RATING_VOTER_SECRET", "voter"), scope, identity, bits)
    return VOTER_KEY_PREFIX + _hex(value, bits)


def kiosk_voter_key() -> str:
    return KIOSK_KEY_PREFIX + secrets.token_hex(16)


def network_key(*, client_ip: str, official_id: int, day: date) -> str:
    """The burst check's key: the client's /24 (/48) network for one official on one day.

    Keyed also with the rate limits' cache-only period secret (portal.core.ratelimit): equal
    keys stay equal in the table, which is all the burst check compares, but once the period
    ends nobody — not even an operator with the database and the settings — can try the 2^24
    networks against a stored key (16 bits: ~256 candidates each, and two ratings from one
    network would pin it). A burst that straddles the period's rotation is split in two."""
    bits = settings.RATING_NETWORK_KEY_BITS
    scope = f"{official_id}|{day.isoformat()}"
    value = rules.truncated_hmac(
        _secret("RATING_NETWORK_SECRET", "network") + period_secret(),
        scope,
        rules.network_prefix(client_ip),
        bits,
    )
    return NETWORK_KEY_PREFIX + _hex(value, bits)


def voter_rate_key(identity: str) -> str:
    """Cache-only key of the cross-official per-voter rate limit (expires with its window)."""
    return keyed("evaluation.rate.voter", identity)


def staff_phone_hash(phone: str) -> str:
    """A staff mobile as stored in StaffPhone: its own secret, shared with nothing else."""
    return rules.keyed_hash(
        _secret("STAFF_PHONE_HASH_SECRET", "staff-phone").hex(),
        "staff-phone",
        phone_normalise(phone),
    )


def staff_phone_hashes(phone: str) -> list[str]:
    """Hashes to look a staff mobile up by: the current one and the one lists imported before
    issue 14 hold (VOTER_HASH_KEY), until the office re-imports them (see README)."""
    current = staff_phone_hash(phone)
    legacy = rules.keyed_hash(
        settings.VOTER_HASH_KEY, LEGACY_STAFF_PHONE_LABEL, phone_normalise(phone)
    )
    return [current, legacy] if settings.STAFF_PHONE_LEGACY_LOOKUP else [current]


@checks.register(checks.Tags.security)
def voter_key_settings_check(app_configs=None, **kwargs):
    """Start-up refuses voter keys too long for k-anonymity or too short to be useful."""
    problem = rules.voter_key_bits_problem(
        bits=settings.RATING_VOTER_KEY_BITS,
        space=settings.RATING_PHONE_SPACE,
        k_min=settings.RATING_VOTER_K_MIN,
    )
    if not 4 <= settings.RATING_NETWORK_KEY_BITS <= 64:
        problem = problem or "RATING_NETWORK_KEY_BITS must be from 4 to 64"
    return [checks.Error(problem, id="evaluation.E001")] if problem else []
