"""Pure rules of the evaluation domain: scales, voter keys, distance, warnings, unit scores.

Plain functions over plain values, no database; services wrap them.
"""

import hashlib
import hmac
import ipaddress
import math

from django.utils.translation import gettext_lazy as _

# Stored as the number; the names are shown to visitors (form, profile aggregates, kiosk) and
# translated lazily, so the page's language picks them (English in locale/en django.po).
LEVELS_THREE = [(4, _("满意")), (3, _("基本满意")), (2, _("不满意"))]
LEVELS_FIVE = [
    (5, _("非常满意")),
    (4, _("满意")),
    (3, _("基本满意")),
    (2, _("不满意")),
    (1, _("非常不满意")),
]
WARNING_ORDER = ("III", "II", "I")  # lowest to highest


def levels_for(scale: str) -> list[tuple[int, str]]:
    return LEVELS_FIVE if scale == "five" else LEVELS_THREE


def level_name(level: int) -> str:
    """The name of a stored level (满意), on either scale; the number if it has none."""
    return dict(LEVELS_FIVE).get(level, str(level))


# 差评 is 不满意 and below: the one threshold every count, filter and aggregate uses (through
# is_bad / bad_levels here and Rating.objects.bad() / bad_rating_q() in models). A level below
# the configured scale (a 1 kept from a five-level period) still counts as 差评.
BAD_LEVEL_MAX = 2


def is_bad(level: int) -> bool:
    """差评: 不满意, and on the five-level scale the bottom two levels."""
    return level <= BAD_LEVEL_MAX


# 好评 for the 刷好评 check (suspicious.py): 满意 and above; 基本满意 is neither good nor bad.
GOOD_LEVEL_MIN = 4


def bad_levels(scale: str) -> list[int]:
    """The levels of `scale` ("three" or "five") that are 差评, highest first."""
    return [level for level, _ in levels_for(scale) if is_bad(level)]


def keyed_hash(key: str, purpose: str, value: str) -> str:
    """HMAC-SHA256 with the server secret; `purpose` separates voter keys from staff hashes so
    the two cannot be joined to re-identify a staff member's ratings."""
    return hmac.new(key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def truncated_hmac(key: bytes, scope: str, value: str, bits: int) -> int:
    """The first `bits` bits of HMAC-SHA256(key, scope|value), as an integer below 2**bits.

    Why truncated: a full keyed hash of a phone number is reversible by whoever holds the key
    (all mainland mobiles are tried in minutes); a short one maps many numbers to each value,
    so even with the key it names only a crowd (voters.py, k-anonymity)."""
    digest = hmac.new(key, f"{scope}|{value}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest, "big") >> (256 - bits)


def candidates_per_key(*, space: int, bits: int) -> float:
    """k: how many identities of a space of `space` fall on each truncated value (on average)."""
    return space / 2**bits


def false_refusal_probability(*, ratings: int, bits: int, slots: int = 1) -> float:
    """Chance that a new rater is refused the monthly limit because an earlier rater of the same
    official and month, another person, holds the same truncated key: 1 - (1 - 2**-bits)**n
    per slot key checked (≈ slots·n / 2**bits)."""
    return 1 - (1 - 2.0**-bits) ** (ratings * slots)


def voter_key_bits_problem(*, bits: int, space: int, k_min: int) -> str:
    """Why RATING_VOTER_KEY_BITS is unsafe or unusable, or "" when it is fine."""
    if not isinstance(bits, int) or not 8 <= bits <= 64:
        return f"RATING_VOTER_KEY_BITS must be an integer from 8 to 64, not {bits!r}"
    k = candidates_per_key(space=space, bits=bits)
    if k < k_min:
        return (
            f"RATING_VOTER_KEY_BITS={bits} leaves {k:.0f} phone numbers per voter key "
            f"(fewer than RATING_VOTER_K_MIN={k_min})"
        )
    return ""


def network_prefix(ip: str) -> str:
    """The client network (/24 for IPv4, /48 for IPv6): coarse on purpose, never the address."""
    try:
        addr = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return "unknown"
    bits = 24 if addr.version == 4 else 48
    return str(ipaddress.ip_network(f"{addr}/{bits}", strict=False))


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def satisfaction_rate(counts: dict[int, int]) -> float | None:
    """Share of ratings that are not 差评, or None without ratings."""
    total = sum(counts.values())
    if not total:
        return None
    return sum(n for level, n in counts.items() if not is_bad(level)) / total


def warning_levels(*, month_count: int, year_count: int, thresholds: dict) -> list[tuple[str, str]]:
    """Levels crossed: [(level, "month"|"year"), …] for 不满意 counts (not revoked) of one
    official in the calendar month and the calendar year to date.

    thresholds: {"III": (month, year), "II": (…), "I": (…)}; a count equal to the threshold
    crosses it.
    """
    crossed = []
    for level in WARNING_ORDER:
        month_limit, year_limit = thresholds[level]
        if month_count >= month_limit:
            crossed.append((level, "month"))
        if year_count >= year_limit:
            crossed.append((level, "year"))
    return crossed


def unit_score(
    *, base: int, verified_bad: int, violations: int, per_bad: int, per_violation: int
) -> int:
    """Wuhan: 100 a year, −3 per 差评 verified true, −10 per discipline violation."""
    return base - per_bad * verified_bad - per_violation * violations


def removal_flags(worst_by_year: dict[int, set], year: int) -> set:
    """Units in the ten worst of `year` and of the year before: removal proposal for the head."""
    return set(worst_by_year.get(year, set())) & set(worst_by_year.get(year - 1, set()))


def aggregates_cache_key(official_id, day) -> str:
    """Cache key of an official's public aggregates for the local `day` (a date): the public
    figures count closed days only, so a new day is a new key; a revocation drops today's."""
    return f"eval:agg:{official_id}:{day.isoformat()}"


def closed_day_batches(day_counts: list[tuple], *, min_batch: int) -> list[tuple]:
    """The rated unit's batches: consecutive closed days (oldest first, `(day, n)` with n > 0)
    merged until a batch holds at least `min_batch` ratings; returns `(first_day, last_day)`.
    A trailing batch still short of the minimum is held back (shown once it fills).

    Why: a day with one or two ratings would tie a rating to the person served that day; a
    batch of at least `min_batch` ratings over whole days cannot be tied to one transaction.
    Callers pass every closed day from a fixed start (the unit's first rating day), never
    from a moving window start: built greedily forward, a closed batch depends only on the
    days before it, so adding days never changes it and no single day follows from comparing
    the batches of two days."""
    batches, start, total = [], None, 0
    for day, n in sorted(day_counts):
        if not n:
            continue
        start = start or day
        total += n
        if total >= max(min_batch, 1):
            batches.append((start, day))
            start, total = None, 0
    return batches
