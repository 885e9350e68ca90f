"""Demo ratings for the seeded officials (seed_demo). Idempotent: does nothing once ratings exist.

Ratings are built in bulk with their per-official hash chains, so verify_audit passes on the
demo. They span this year and the last (the two-year rule of the ten worst); a few units are
rated worse in both years, their 差评 more often verified true on call-back, so unit scores
differ (−3 each) and the same units sit among the worst twice; three discipline violations
(−10); a few officials get enough 不满意 this month to show warnings; some ratings are revoked.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cms.models import OfficialPage, Unit
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
TOTAL = 5000
MONTHS = 24  # this year and the last
STRUGGLING = 6  # units rated worse in both years
OPEN_CALLBACKS = 40  # the newest 差评 still wait for their call-back


def seed(progress=None):
    if Rating.objects.exists():
        return {"ratings": 0}
    officials = list(OfficialPage.objects.live().values_list("pk", "unit_id").order_by("pk"))
    if not officials:
        return {"ratings": 0}
    rng = random.Random(2026)
    today = timezone.localdate()
    now = timezone.now()
    units = sorted({unit_id for _, unit_id in officials})
    struggling = set(rng.sample(units, k=min(STRUGGLING, len(units))))
    # recent months a little more often than old ones
    month_weights = [MONTHS - m // 2 for m in range(MONTHS)]
    plan = []  # (official_id, unit_id, level, created_at)
    for _ in range(TOTAL):
        official_id, unit_id = rng.choice(officials)
        months_back = rng.choices(range(MONTHS), weights=month_weights)[0]
        start = add_months(month_start(today), -months_back)
        last_day = today if months_back == 0 else add_months(start, 1) - timedelta(days=1)
        day = start + timedelta(days=rng.randrange((last_day - start).days + 1))
        weights = [62, 20, 18] if unit_id in struggling else [82, 12, 6]
        level = rng.choices([4, 3, 2], weights=weights)[0]
        plan.append((official_id, unit_id, level, _at(day, rng, now)))
    # an official in each of three units with a bad month: enough 不满意 for a level III
    # warning this month (the first official, and one in two of the struggling units)
    warned = [officials[0]] + [
        next(o for o in officials if o[1] == u) for u in sorted(struggling - {officials[0][1]})[:2]
    ]
    for official_id, unit_id in warned:
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
        _seed_office_trail(created, rng, now, struggling=struggling)
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


def _seed_office_trail(created, rng, now, *, struggling=()):
    """Call-backs for every 差评: the newest OPEN_CALLBACKS still open, the others recorded by
    the office (true more often in the struggling units); three violations; 12 revocations."""
    from portal.accounts.models import User

    from .choices import ViolationKind
    from .scores import violation_record

    office = User.objects.filter(username="office").first()
    bad = list(
        Rating.objects.bad().order_by("created_at").values_list("pk", "created_at", "unit_id")
    )
    older, newest = bad[:-OPEN_CALLBACKS], bad[-OPEN_CALLBACKS:]
    _seal(
        CallBack.objects.bulk_create(
            CallBack(
                rating_id=pk, kind=CallBackKind.BAD, created_at=at, due_at=at + timedelta(hours=24)
            )
            for pk, at, _ in newest
        ),
        action="callback_open",
        actor=None,
    )
    if office is None:
        return
    recorded = []
    for pk, at, unit_id in older:
        reached = rng.random() < 0.85
        true = reached and rng.random() < (0.6 if unit_id in struggling else 0.2)
        recorded.append(
            CallBack(
                rating_id=pk,
                kind=CallBackKind.BAD,
                created_at=at,
                due_at=at + timedelta(hours=24),
                reached=reached,
                verified_true=true if reached else None,
                resolved=(rng.random() < 0.7) if reached else None,
                note=("经回访核实，情况属实，已督促整改。" if true else "经回访，群众表示已理解。")
                if reached
                else "两次拨打均未接通。",
                recorded_by=office,
                recorded_at=min(at + timedelta(hours=rng.randrange(2, 30)), now),
            )
        )
    _seal(
        CallBack.objects.bulk_create(recorded, batch_size=1000),
        action="callback_record",
        actor=office,
    )
    ids = [(pk, at) for pk, at, _ in older]
    revoked = rng.sample(ids, k=min(12, len(ids)))
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
    today = timezone.localdate()
    worst = sorted(struggling)[:2]
    for unit_id, kind, occurred_on, note in (
        (
            worst[0],
            ViolationKind.FORCED_GOOD,
            date(today.year - 1, 6, 12),
            "窗口人员要求办事群众当场给予好评。",
        ),
        (worst[0], ViolationKind.QR_OBSTRUCTED, date(today.year, 3, 8), "评价二维码被宣传架遮挡。"),
        (
            worst[-1],
            ViolationKind.PRYING,
            date(today.year, 9, 20),
            "工作人员向群众打听差评人员身份。",
        ),
    ):
        violation_record(
            unit=Unit.objects.get(pk=unit_id),
            kind=kind,
            actor=office,
            occurred_on=occurred_on,
            note=note,
        )


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
