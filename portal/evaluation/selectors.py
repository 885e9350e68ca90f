"""Rating reads: public aggregates (constant number of queries), office queues and lists.

Owns: which ratings count (not revoked), satisfaction rate, the monthly trend, the call-back
queue order and what is overdue, who may read the back-office lists.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count
from django.utils import timezone

from portal.accounts import roles
from portal.accounts.guards import Role, require_role
from portal.core.dates import month_start, months_back
from portal.core.pagecache import value_under

from . import rules, voters
from .models import (
    AppealStatus,
    CallBack,
    Rating,
    RatingAppeal,
    RatingRevocation,
    bad_rating_q,
)
from .rules import aggregates_cache_key

TREND_MONTHS = 12


def voter_month_full(*, official, voter: str) -> bool:
    """Has this voter (services.voter_identity) used up this month's ratings of `official`?
    Read before the captcha is asked for, so nobody solves one only to hear "already rated";
    rating_submit's unique constraint stays the rule that holds under races."""
    month = month_start(timezone.localdate())
    limit = max(settings.RATINGS_PER_VOTER_PER_OFFICIAL_PER_MONTH, 1)
    keys = [
        voters.voter_key(identity=voter, official_id=official.pk, month=month, slot=n)
        for n in range(1, limit + 1)
    ]
    taken = Rating.objects.filter(official_id=official.pk, month=month, voter_key__in=keys)
    return taken.count() >= limit


def closed_days_end():
    """The start of today, local time (settings.TIME_ZONE): public figures count only ratings
    created before it, so they change at most once a day and a watcher of the page cannot tie
    a rating to the citizen who just left the window (issue 14)."""
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def official_aggregates(*, official_id: int) -> dict:
    """Counts per level, satisfaction rate, dimension averages, 12-month trend and the number
    of revoked ratings, in three queries whatever the number of ratings. Closed days only
    (closed_days_end): today's ratings appear tomorrow."""
    end = closed_days_end()
    active = Rating.objects.active().filter(official_id=official_id, created_at__lt=end)
    dims = ("attitude", "efficiency", "style")
    per_level = {
        row["level"]: row
        for row in active.values("level").annotate(
            n=Count("id"),
            **{f"avg_{d}": Avg(d) for d in dims},
            **{f"n_{d}": Count(d) for d in dims},
        )
    }
    counts = {
        level: per_level.get(level, {}).get("n", 0)
        for level, _ in rules.levels_for(settings.RATING_SCALE)
    }
    for level, row in per_level.items():  # levels of another scale still count
        counts.setdefault(level, row["n"])
    averages = {}
    for d in dims:
        scored = sum(r[f"n_{d}"] for r in per_level.values())
        total = sum(r[f"avg_{d}"] * r[f"n_{d}"] for r in per_level.values() if r[f"n_{d}"])
        averages[d] = round(total / scored, 2) if scored else None
    months = months_back(timezone.localdate(), TREND_MONTHS)
    trend_rows = {
        row["month"]: row
        for row in active.filter(month__gte=months[0])
        .values("month")
        .annotate(n=Count("id"), bad=Count("id", filter=bad_rating_q()))
    }
    trend = [
        {
            "month": m,
            "n": trend_rows.get(m, {}).get("n", 0),
            "bad": trend_rows.get(m, {}).get("bad", 0),
        }
        for m in months
    ]
    revoked = RatingRevocation.objects.filter(
        rating__official_id=official_id, rating__created_at__lt=end
    ).count()
    total = sum(counts.values())
    rate = rules.satisfaction_rate(counts)
    return {
        "total": total,
        "levels": [
            (level, name, counts.get(level, 0))
            for level, name in rules.levels_for(settings.RATING_SCALE)
        ],
        "satisfaction_rate": rate,
        "satisfaction_pct": None if rate is None else round(rate * 100, 1),
        "averages": averages,
        "trend": _trend_chart(trend),
        "revoked": revoked,
    }


def official_aggregates_cached(*, official_id: int) -> dict:
    """Cached per local day (a rating of today changes nothing public until tomorrow); a
    revocation drops today's entry on commit (review.py)."""
    key = aggregates_cache_key(official_id, timezone.localdate())
    data = cache.get(key)
    if data is None:
        data = official_aggregates(official_id=official_id)
        cache.set(key, data, 3600)
    return data


def _trend_chart(trend):
    """Bar geometry for a server-rendered SVG chart (no chart library, no CDN)."""
    peak = max([t["n"] for t in trend] + [1])
    width, height, gap = 24, 100, 6
    bars = []
    for i, t in enumerate(trend):
        h = round(t["n"] / peak * height)
        hb = round(t["bad"] / peak * height)
        bars.append(
            {
                **t,
                "x": i * (width + gap),
                "y": height - h,
                "h": h,
                "yb": height - hb,
                "hb": hb,
                "w": width,
                "label": t["month"].strftime("%m"),
            }
        )
    return {"bars": bars, "width": len(trend) * (width + gap), "height": height, "peak": peak}


# --- back office ---------------------------------------------------------------------------


def callback_queue(*, user, include_done=False):
    """The office's call-back queue, oldest deadline first; overdue ones flagged."""
    require_role(user, Role.OFFICE)
    qs = CallBack.objects.select_related(
        "rating", "rating__official", "rating__unit", "rating__contact"
    )
    if not include_done:
        # a revoked rating leaves the queue (issue 17)
        qs = qs.filter(recorded_at__isnull=True, rating__revocation__isnull=True)
    now = timezone.now()
    items = list(qs.order_by("due_at")[:500])
    for item in items:
        item.overdue = item.recorded_at is None and item.due_at < now
    return items


def rating_get_for_user(*, user, pk) -> Rating:
    """Office sees every rating; a department account only its own unit's (else 404)."""
    qs = Rating.objects.select_related("official", "unit")
    if roles.is_office(user):
        return qs.get(pk=pk)
    if roles.is_department(user):
        return qs.get(pk=pk, unit_id=user.unit_id)
    raise Rating.DoesNotExist


def rating_list_for_user(*, user, official_id=None, bad_only=False, limit=200):
    qs = Rating.objects.select_related("official", "unit", "revocation").order_by("-created_at")
    if roles.is_office(user):
        pass
    elif roles.is_department(user):
        qs = qs.filter(unit_id=user.unit_id)
    else:
        raise PermissionDenied
    if official_id:
        qs = qs.filter(official_id=official_id)
    if bad_only:
        qs = qs.bad()
    return list(qs[:limit])


def appeal_list_pending(*, user):
    require_role(user, Role.OFFICE)
    return list(
        RatingAppeal.objects.filter(status=AppealStatus.PENDING)
        .select_related("rating", "rating__official", "appellant")
        .order_by("created_at")
    )


# --- the admin dashboard's queue counts and the leader's figures (read-only) ----------------


def office_queue_counts(*, user, now=None) -> dict[str, int]:
    """What needs a person at the office now (call-backs, appeals, suspicious patterns);
    nothing for another role."""
    if not roles.is_office(user):
        return {}
    from .suspicious import suspicious_list

    now = now or timezone.now()
    open_callbacks = CallBack.objects.filter(
        recorded_at__isnull=True, rating__revocation__isnull=True
    )
    return {
        "callbacks": open_callbacks.count(),
        "callbacks_overdue": open_callbacks.filter(due_at__lt=now).count(),
        "appeals": RatingAppeal.objects.filter(status=AppealStatus.PENDING).count(),
        "suspicious": len(suspicious_list(now=now)),
    }


def leader_overview(*, user, today=None) -> dict:
    """The read-only figures of the leader's landing: the latest monthly report and this
    month's warnings; nothing for a role that may not read the reports."""
    if not roles.is_office(user) and not roles.is_leader(user):
        return {}
    from .models import MonthlyReport, OfficialWarning

    today = today or timezone.localdate()
    month_start = timezone.make_aware(datetime.combine(today.replace(day=1), time.min))
    return {
        "latest_report": MonthlyReport.objects.order_by("-month").first(),
        "warnings_this_month": OfficialWarning.objects.filter(created_at__gte=month_start).count(),
    }


@dataclass(frozen=True)
class OfficialRow:
    """What a rating POST needs of an official: not the Wagtail page (issue 18: loading it
    was the costliest statement of the request)."""

    pk: int
    unit_id: int
    url: str


def official_row(official_id: int) -> OfficialRow | None:
    """The live official's row, from this process's memory under the public page version
    (bumped on every publish, unpublish or move: portal.reporting.signals); None if there is
    no live official with this id."""
    from cms.models import OfficialPage

    def build():
        page = OfficialPage.objects.live().filter(pk=official_id).first()
        return OfficialRow(page.pk, page.unit_id, page.url) if page else None

    return value_under(f"official-row:{int(official_id)}", ("public",), build)
