"""Suspicious patterns (Datong's data comparison): flagged for the office, never dropped.

Owns: bursts of ratings of one official from one network within a window, and sudden runs of
good ratings of one official in one day (刷好评). Flagged ratings keep counting until the office
decides (revokes or not).

Why only the network: the stored network key is scoped to one official and one local day
(voters.network_key), so a burst is counted per official within that day; a burst across
midnight is seen as two smaller ones. Voter keys are scoped per (official, month, slot) and
never repeat, so they cannot show a burst (the monthly limit already stops repeat voters).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import Rating, good_rating_q


def suspicious_list(*, now=None) -> list[dict]:
    now = now or timezone.now()
    since = now - timedelta(hours=settings.SUSPICIOUS_BURST_HOURS)
    recent = Rating.objects.active().filter(created_at__gte=since)
    flags = []
    for key in ("network_key",):
        rows = (
            recent.exclude(**{key: ""})
            .values("official_id", "official__title", key)
            .annotate(n=Count("id"))
            .filter(n__gte=settings.SUSPICIOUS_BURST_COUNT)
            .order_by("-n")
        )
        for row in rows[:200]:
            flags.append(
                {
                    "kind": "burst",
                    "by": key,
                    "official_id": row["official_id"],
                    "official": row["official__title"],
                    "n": row["n"],
                    "key": row[key][:8],
                    "full_key": row[key],
                }
            )
    day_start = now - timedelta(days=1)
    runs = (
        Rating.objects.active()
        .filter(created_at__gte=day_start)
        .values("official_id", "official__title")
        .annotate(good=Count("id", filter=good_rating_q()), day=TruncDate("created_at"))
        .filter(good__gte=settings.SUSPICIOUS_GOOD_RUN)
        .order_by("-good")
    )
    for row in runs[:200]:
        flags.append(
            {
                "kind": "good-run",
                "by": "",
                "official_id": row["official_id"],
                "official": row["official__title"],
                "n": row["good"],
                "key": "",
                "full_key": "",
            }
        )
    return flags
