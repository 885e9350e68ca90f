"""Ratings are sealed into their per-official hash chains after the request, not in it.

Rule owned here (issue 18): a rating POST writes its row with ONE statement (an INSERT; the
monthly limit is the unique constraint) and no chain link. The sealer (`ratings_seal`, run by
beat every RATING_SEAL_INTERVAL_SECONDS, by the embedded scheduler of `make run`, before the
daily transparency publication and on demand by `verify_audit`) then appends every unsealed
row to its official's chain in id order: seq, prev_hash and hash are set once, under the
chain head's lock. The published bound on the unsealed window is RATING_SEAL_MAX_DELAY_SECONDS
(10 s): `verify_audit` reports any row left unsealed longer, as a Certificate Transparency log
reports an entry not merged within its maximum merge delay.

What closes the window meanwhile: each row carries `mac`, an HMAC of its content under a key
derived from SECRET_KEY (never stored in the database). The sealer seals only rows whose MAC
holds, so a row inserted or edited with raw SQL by someone holding the database but not the
settings is never sealed and is named by `verify_audit`. On PostgreSQL the append-only trigger
(migration 0009) lets exactly one UPDATE through per row: from unsealed to sealed, inside a
transaction that set `portal.rating_seal`, changing nothing but seq, prev_hash and hash.

The trade-off, in the README: the chain no longer orders ratings by the instant of their
request (two ratings of one official within a second may be chained in either order; the
chain's order is the sealer's), and for up to the bound a rating is protected by its MAC
rather than by a published chain. In exchange the hot path takes no per-official lock, so a
burst of ratings of one official no longer queues behind one row.
"""

import hmac
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from portal.audit.hashing import GENESIS, canonical, link_hash
from portal.audit.services import roundtrip

from .models import Rating, RatingChainHead

MAC_SALT = "portal.evaluation.rating-seal-mac"
# what the MAC covers: the rating's content, everything of payload() but its place in the chain
_UNCHAINED = ("seq",)


def _content(rating: Rating) -> str:
    payload = roundtrip(rating.payload())
    for name in _UNCHAINED:
        payload.pop(name, None)
    return canonical(payload)


def rating_mac(rating: Rating) -> str:
    """HMAC-SHA256 of the rating's content under a key derived from SECRET_KEY."""
    return salted_hmac(MAC_SALT, _content(rating), algorithm="sha256").hexdigest()


def mac_holds(rating: Rating) -> bool:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    content = _content(rating)
    for secret in keys:
        expected = salted_hmac(MAC_SALT, content, secret=secret, algorithm="sha256").hexdigest()
        if hmac.compare_digest(expected, rating.mac or ""):
            return True
    return False


def _seal_update(rows: list[Rating]) -> None:
    """The one UPDATE a rating ever gets (see the module docstring)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL portal.rating_seal = 'on'")
        cursor.executemany(
            f"UPDATE {Rating._meta.db_table} SET seq = %s, prev_hash = %s, hash = %s "
            "WHERE id = %s AND hash = ''",
            [(r.seq, r.prev_hash, r.hash, r.pk) for r in rows],
        )


def _seal_official(official_id: int) -> tuple[int, list[int]]:
    """Seal one official's unsealed ratings. Returns (sealed, ids refused for their MAC)."""
    with transaction.atomic():
        head = RatingChainHead.objects.select_for_update().filter(official_id=official_id).first()
        if head is None:
            RatingChainHead.objects.bulk_create(
                [RatingChainHead(official_id=official_id, head_hash=GENESIS)],
                ignore_conflicts=True,
            )
            head = RatingChainHead.objects.select_for_update().get(official_id=official_id)
        pending = list(Rating.objects.filter(official_id=official_id, hash="").order_by("pk"))
        sealed, refused = [], []
        seq, prev = head.seq, head.head_hash
        for rating in pending:
            if not mac_holds(rating):
                refused.append(rating.pk)
                continue
            seq += 1
            rating.seq, rating.prev_hash = seq, prev
            rating.hash = link_hash(prev, roundtrip(rating.payload()))
            prev = rating.hash
            sealed.append(rating)
        if sealed:
            _seal_update(sealed)
            head.seq, head.head_hash = seq, prev
            head.save(update_fields=["seq", "head_hash"])
    return len(sealed), refused


def ratings_seal(*, official_ids=None) -> dict:
    """Seal every unsealed rating (of `official_ids`, or all). Returns {"sealed": n,
    "refused": [ids whose MAC does not hold]}; refused rows stay unsealed for verify_audit."""
    pending = Rating.objects.filter(hash="")
    if official_ids is not None:
        pending = pending.filter(official_id__in=list(official_ids))
    total, refused = 0, []
    for official_id in pending.order_by().values_list("official_id", flat=True).distinct():
        count, bad = _seal_official(official_id)
        total += count
        refused.extend(bad)
    return {"sealed": total, "refused": refused}


def unsealed_problems(*, now=None) -> list[str]:
    """What verify_audit reports of the unsealed window: rows whose MAC does not hold (written
    outside the application) and rows left unsealed past RATING_SEAL_MAX_DELAY_SECONDS."""
    now = now or timezone.now()
    bound = now - timedelta(seconds=settings.RATING_SEAL_MAX_DELAY_SECONDS)
    problems = []
    for rating in Rating.objects.filter(hash="").order_by("pk").iterator(chunk_size=2000):
        if not mac_holds(rating):
            problems.append(
                f"ratings of official {rating.official_id}: rating id={rating.pk} unsealed and "
                "its MAC does not hold (inserted or changed outside the application)"
            )
        elif rating.created_at < bound:
            problems.append(
                f"ratings of official {rating.official_id}: rating id={rating.pk} left unsealed "
                f"past the {settings.RATING_SEAL_MAX_DELAY_SECONDS} s bound (is the sealer running?)"
            )
    return problems
