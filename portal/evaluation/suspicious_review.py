"""The office's review of suspicious-pattern flags (issue 17): each flag's ratings listed,
revoked in bulk with one reason (each through review.rating_revoke: its own audit event) or the
flag dismissed with a reason (an audit event).

A flag is named by a reference "<kind>.<official id>.<network key>" (the key empty for a run
of good ratings); the ratings behind it are those suspicious.py counted for it.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.guards import Role, require_role
from portal.audit.seals import record_seal
from portal.audit.services import audit_append
from portal.core.text import id_or_none

from .models import Rating, good_rating_q
from .models_review import SuspiciousDismissal
from .review import rating_revoke
from .suspicious import suspicious_list

KINDS = ("burst", "good-run")
MSG_REASON = _("请填写理由")
MSG_NONE = _("该提示下没有可撤销的评价")


class UnknownFlag(Exception):
    pass


def flag_ref(flag: dict) -> str:
    return f"{flag['kind']}.{flag['official_id']}.{flag.get('full_key', '')}"


def _parse(ref: str) -> tuple[str, int, str]:
    parts = (ref or "").split(".", 2)
    if len(parts) != 3 or parts[0] not in KINDS or id_or_none(parts[1]) is None:
        raise UnknownFlag(ref)
    if parts[0] == "burst" and not parts[2]:
        raise UnknownFlag(ref)
    return parts[0], int(parts[1]), parts[2][:64]


def flag_ratings(*, user, ref: str, now=None):
    """The active ratings behind a flag, newest first (office only)."""
    require_role(user, Role.OFFICE, hide=True)
    kind, official_id, key = _parse(ref)
    now = now or timezone.now()
    qs = Rating.objects.active().filter(official_id=official_id)
    if kind == "burst":
        since = now - timedelta(hours=settings.SUSPICIOUS_BURST_HOURS)
        qs = qs.filter(network_key=key, created_at__gte=since)
    else:
        qs = qs.filter(good_rating_q(), created_at__gte=now - timedelta(days=1))
    return qs.select_related("official", "unit").order_by("-created_at")


def flags_open(*, user, now=None) -> list[dict]:
    """suspicious_list without the flags the office dismissed (unless a newer rating joined)."""
    require_role(user, Role.OFFICE, hide=True)
    now = now or timezone.now()
    flags = suspicious_list(now=now)
    dismissed = {
        (d["kind"], d["official_id"], d["key"]): d["last"]
        for d in SuspiciousDismissal.objects.values("kind", "official_id", "key").annotate(
            last=Max("created_at")
        )
    }
    shown = []
    for flag in flags:
        flag["ref"] = flag_ref(flag)
        last = dismissed.get((flag["kind"], flag["official_id"], flag.get("full_key", "")))
        if last is not None:
            newest = flag_ratings(user=user, ref=flag["ref"], now=now).first()
            if newest is None or newest.created_at <= last:
                continue
        shown.append(flag)
    return shown


@transaction.atomic
def flag_revoke_all(*, user, ref: str, reason: str, rating_ids=None) -> int:
    """Revoke every rating behind the flag (or the chosen ones among them), one reason; each
    revocation is its own audit event (review.rating_revoke). Returns how many."""
    require_role(user, Role.OFFICE, hide=True)
    if not reason.strip():
        raise ValidationError(MSG_REASON, code="reason")
    ratings = flag_ratings(user=user, ref=ref)
    if rating_ids is not None:
        ratings = ratings.filter(pk__in=rating_ids)
    ratings = list(ratings[:1000])
    if not ratings:
        raise ValidationError(MSG_NONE, code="none")
    for rating in ratings:
        rating_revoke(rating=rating, actor=user, reason=reason)
    return len(ratings)


@transaction.atomic
def flag_dismiss(*, user, ref: str, reason: str) -> SuspiciousDismissal:
    require_role(user, Role.OFFICE, hide=True)
    kind, official_id, key = _parse(ref)
    if not reason.strip():
        raise ValidationError(MSG_REASON, code="reason")
    n = flag_ratings(user=user, ref=ref).count()
    dismissal = SuspiciousDismissal.objects.create(
        kind=kind,
        official_id=official_id,
        key=key,
        reason=reason.strip(),
        actor=user,
        created_at=timezone.now(),
    )
    audit_append(
        chain=f"rating-office:{official_id}",
        action="suspicious_dismiss",
        obj=dismissal,
        actor=user,
        # sealed: a dismissal written in the database would hide a flag unnoticed
        after={
            "kind": kind,
            "ratings": n,
            "reason": dismissal.reason,
            "seal": record_seal(dismissal),
        },
    )
    return dismissal
