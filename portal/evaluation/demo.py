"""Demo ratings for the seeded officials (seed_demo). Idempotent: does nothing once ratings exist.

Ratings are built in bulk with their per-official hash chains, so verify_audit passes on the
demo; a few officials get enough 不满意 this month to show warnings; some ratings are revoked.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cms.models import OfficialPage
from portal.audit.hashing import GENESIS, link_hash
from portal.audit.seals import record_seal
from portal.audit.services import audit_append, roundtrip
from portal.core.dates import add_months, month_start

from . import rules
from .choices import CallBackKind, Channel
from .models import CallBack, Rating, RatingChainHead, RatingRevocation

REASONS = [
    "办事拖拉，多次往返",
    "态度生硬",
    "推诿扯皮",
    "窗口长时间无人",
    "材料要求反复变化",
    "答复不清楚",
    "没有一次性告知",
]
TOTAL = 3000


def seed(progress=None):
    if Rating.objects.exists():
        return {"ratings": 0}
    officials = list(OfficialPage.objects.live().values_list("pk", "unit_id").order_by("pk"))
    if not officials:
        return {"ratings": 0}
    rng = random.Random(2026)
    today = timezone.localdate()
    now = timezone.now()
    plan = []  # (official_id, unit_id, level, created_at)
    for _ in range(TOTAL):
        official_id, unit_id = rng.choice(officials)
        months_back = rng.choice([0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
        start = add_months(today, -months_back)
        last_day = (
            today if months_back == 0 else (add_months(today, 1 - months_back) - timedelta(days=1))
        )
        day = start + timedelta(days=rng.randrange((last_day - start).days + 1))
        level = rng.choices([4, 3, 2], weights=[80, 13, 7])[0]
        plan.append((official_id, unit_id, level, _at(day, rng, now)))
    # two officials with a bad month: enough 不满意 for a level III warning this month
    for official_id, unit_id in officials[:2]:
        for _ in range(11):
            plan.append((official_id, unit_id, 2, _at(today, rng, now)))
    plan.sort(key=lambda p: (p[0], p[3]))
    ratings, heads, seq, prev, last_official = [], [], 0, GENESIS, None
    bar = progress(total=len(plan), desc="测评", unit="条") if progress else None
    for official_id, unit_id, level, created_at in plan:
        if official_id != last_official:
            if last_official is not None:
                heads.append(RatingChainHead(official_id=last_official, seq=seq, head_hash=prev))
            seq, prev, last_official = 0, GENESIS, official_id
        seq += 1
        rating = Rating(
            official_id=official_id,
            unit_id=unit_id,
            level=level,
            attitude=max(1, min(5, level + rng.choice([-1, 0, 1]))),
            efficiency=max(1, min(5, level + rng.choice([-1, 0, 0, 1]))),
            style=max(1, min(5, level + rng.choice([0, 0, 1]))),
            reason=rng.choice(REASONS) if rules.is_bad(level) else "",
            anonymous=True,
            channel=rng.choice([Channel.WEB, Channel.WEB, Channel.QR, Channel.KIOSK]),
            voter_key="k:" + f"{rng.getrandbits(256):064x}"[:32],  # seeded: no voter
            month=month_start(timezone.localdate(created_at)),
            created_at=created_at,
            seq=seq,
            prev_hash=prev,
        )
        rating.hash = link_hash(prev, roundtrip(rating.payload()))
        prev = rating.hash
        ratings.append(rating)
        if bar:
            bar.update(1)
    heads.append(RatingChainHead(official_id=last_official, seq=seq, head_hash=prev))
    if bar:
        bar.close()
    with transaction.atomic():
        RatingChainHead.objects.bulk_create(heads, batch_size=1000)
        created = Rating.objects.bulk_create(ratings, batch_size=1000)
        _seed_office_trail(created, rng, now)
    from .reports import monthly_report_build
    from .warnings import warnings_compute

    warnings_compute()
    monthly_report_build()  # last month's report, as beat would have built it
    return {"ratings": len(created)}


def _at(day, rng, now):
    moment = timezone.make_aware(
        datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randrange(9 * 60))
    )
    return min(moment, now - timedelta(minutes=1))


def _seed_office_trail(created, rng, now):
    from portal.accounts.models import User

    office = User.objects.filter(username="office").first()
    ids = list(Rating.objects.bad().order_by("created_at").values_list("pk", "created_at"))
    callbacks = [
        CallBack(
            rating_id=pk, kind=CallBackKind.BAD, created_at=at, due_at=at + timedelta(hours=24)
        )
        for pk, at in ids[-40:]
    ]
    _seal(CallBack.objects.bulk_create(callbacks), action="callback_open", actor=None)
    if office is not None:
        revoked = rng.sample(ids[:-40], k=min(12, max(0, len(ids) - 40)))
        revocations = RatingRevocation.objects.bulk_create(
            [
                RatingRevocation(
                    rating_id=pk,
                    actor=office,
                    created_at=now,
                    reason="经核查属于恶意评价（演示数据）",
                )
                for pk, _ in revoked
            ]
        )
        _seal(revocations, action="rating_revoke", actor=office)


def _seal(records, *, action, actor):
    """Each seeded office record in its official's office chain, as the services do, so
    verify_audit passes on the demo (portal.audit.seals)."""
    officials = dict(
        Rating.objects.filter(pk__in=[r.rating_id for r in records]).values_list(
            "pk", "official_id"
        )
    )
    for record in records:
        audit_append(
            chain=f"rating-office:{officials[record.rating_id]}",
            action=action,
            obj=record,
            actor=actor,
            actor_label="" if actor else "system",
            after={"rating": record.rating_id, "seal": record_seal(record)},
        )
