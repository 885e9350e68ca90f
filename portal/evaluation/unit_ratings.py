"""What the rated unit's own account reads of its ratings and tickets (issue 14).

Owns the rules: the unit sees its ratings only for closed days (Asia/Shanghai; today's ratings
never, not even as counts), in batches of whole days holding at least RATING_UNIT_MIN_BATCH
ratings (rules.closed_day_batches), as counts per level per batch plus the reasons of the
batch's 差评 in text order; never a time, a channel, a ticket, or a rating's sequential id (a
差评 is reached by an opaque keyed reference, for appeals). Tickets: counts issued per day,
never which ticket was used.

Why: a 差评 given through the clerk's 一次一评 ticket, shown with its time, channel or id (ids
are sequential), names the citizen who just left the window. A batch of whole days with at
least N ratings, in no order, cannot be tied to one transaction. The office sees everything
through its own pages (selectors.py).
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from portal.accounts import roles

from . import rules
from .models import Rating, RatingTicket

REF_SALT = "portal.evaluation.unit-rating-ref"


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _unit_id(user) -> int:
    """Only a department account with a unit reads its unit's ratings here (404 otherwise)."""
    if not roles.is_department(user) or user.unit_id is None:
        raise Http404
    return user.unit_id


def rating_ref(rating_id: int) -> str:
    """Opaque, non-sequential reference of a rating for the unit's pages (keyed, not ordered)."""
    return salted_hmac(REF_SALT, str(rating_id)).hexdigest()[:24]


def _closed(unit_id):
    """Every closed day's ratings of the unit, from its first rating on: batches are built
    forward from that fixed start, never from the moving window start (see _batches)."""
    return Rating.objects.filter(unit_id=unit_id, created_at__lt=_start_of(timezone.localdate()))


def unit_rating_batches(*, user) -> list[dict]:
    """The unit's closed-day batches, newest first: {first, last, total, levels: [(name, n)],
    bad: [{ref, reason}]}. Revoked ratings are included (the unit was rated; the office
    decides what counts)."""
    batches = _batches(_unit_id(user))
    for batch in batches:
        batch["bad"] = [{"ref": ref, "reason": reason} for ref, reason, _pk in batch["bad"]]
    return batches


def _batches(unit_id) -> list[dict]:
    closed = _closed(unit_id)
    per_day_level = list(
        closed.annotate(day=TruncDate("created_at"))
        .values_list("day", "level")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_day = {}
    for day, _level, n in per_day_level:
        per_day[day] = per_day.get(day, 0) + n
    # Built forward from the unit's first rating day (a fixed epoch) over all its closed days,
    # then only those reaching into the view window are shown: a closed batch is the same on
    # every later day, so comparing the page on two days reveals no single day (issue 14).
    since = timezone.localdate() - timedelta(days=settings.RATING_UNIT_VIEW_DAYS)
    batches = [
        (first, last)
        for first, last in rules.closed_day_batches(
            list(per_day.items()), min_batch=settings.RATING_UNIT_MIN_BATCH
        )
        if last >= since
    ]
    names = dict(rules.levels_for(settings.RATING_SCALE))
    shown_from = batches[0][0] if batches else None
    shown_to = batches[-1][1] if batches else None
    bad_rows = []
    if batches:
        bad_rows = list(
            closed.bad()
            .filter(
                created_at__gte=_start_of(shown_from),
                created_at__lt=_start_of(shown_to + timedelta(days=1)),
            )
            .annotate(day=TruncDate("created_at"))
            .values_list("pk", "day", "reason")
            .order_by()
        )
    result = []
    for first, last in batches:
        levels = {}
        for day, level, n in per_day_level:
            if first <= day <= last:
                levels[level] = levels.get(level, 0) + n
        bad = sorted(
            ((reason, rating_ref(pk), pk) for pk, day, reason in bad_rows if first <= day <= last),
        )
        result.append(
            {
                "first": first,
                "last": last,
                "total": sum(levels.values()),
                "levels": [
                    (names.get(level, str(level)), levels[level])
                    for level in sorted(levels, reverse=True)
                ],
                "bad": [(ref, reason, pk) for reason, ref, pk in bad],
            }
        )
    result.reverse()
    return result


def unit_rating_by_ref(*, user, ref: str) -> Rating:
    """A 差评 of the unit's shown batches by its opaque reference; 404 for anything else
    (another unit's, today's, a batch still held back). The rating carries its batch's range
    as `batch_first` / `batch_last`: the page shows that, never the rating's own day."""
    for batch in _batches(_unit_id(user)):
        for item_ref, _reason, pk in batch["bad"]:
            if constant_time_compare(item_ref, ref):
                rating = Rating.objects.select_related("official").get(pk=pk)
                rating.batch_first, rating.batch_last = batch["first"], batch["last"]
                return rating
    raise Http404


def ticket_counts(*, user, days: int = 7) -> dict:
    """Tickets the user's unit issued today and on each of the last `days` closed days."""
    if user.unit_id is None:
        return {"today": 0, "days": []}
    today = timezone.localdate()
    rows = dict(
        RatingTicket.objects.filter(
            unit_id=user.unit_id, created_at__gte=_start_of(today - timedelta(days=days))
        )
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
        .order_by()
    )
    return {
        "today": rows.pop(today, 0),
        "days": sorted(((d, n) for d, n in rows.items() if d < today), reverse=True),
    }
