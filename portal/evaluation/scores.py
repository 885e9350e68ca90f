"""Unit scores and rankings (Wuhan), as SQL aggregates wrapped by plain rules.

Owns: the yearly unit score (100, −3 per 差评 the office verified true, −10 per discipline
violation), the ten best and ten worst, the removal flag (ten worst two years running), the
fair comparison (rates per rating received; no public rank below a minimum of ratings), and
beside the official score a fair ranking: units ordered by the Wilson lower bound (95 %) of
their satisfaction rate, only those with RANKING_FAIR_MIN_RATINGS ratings or more.
"""

import math
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from cms.models import Unit
from cms.selectors import portal_rules
from portal.accounts.guards import Role, require_role
from portal.audit.seals import record_seal
from portal.audit.services import audit_append

from . import rules
from .models import CallBack, Rating, RatingRevocation, UnitViolation, bad_rating_q
from .selectors import closed_days_end


@dataclass(slots=True, eq=False)
class UnitRow:
    unit_id: int
    name: str
    received: int = 0
    bad: int = 0
    verified_bad: int = 0
    violations: int = 0
    score: int = 0
    rankable: bool = False
    flags: set = field(default_factory=set)
    wilson: float | None = None  # lower bound (%) of the satisfaction rate, 95 %

    @property
    def bad_rate(self):
        return self.bad / self.received if self.received else None

    @property
    def satisfaction_pct(self):
        return None if not self.received else round(100 * (1 - self.bad / self.received), 1)


def unit_scores(
    *, year: int, until: date | None = None, units=None, created_before=None
) -> list[UnitRow]:
    """Every unit's score and rates for `year` (optionally only before `until`): three grouped
    queries, whatever the volume. `created_before` (a datetime) keeps only ratings created
    before it: the public ranking counts closed days only."""
    start, end = date(year, 1, 1), min(until or date(year + 1, 1, 1), date(year + 1, 1, 1))
    if units is None:
        units = _units()
    rows = {pk: UnitRow(unit_id=pk, name=name) for pk, name in units}
    created = {} if created_before is None else {"created_at__lt": created_before}
    ratings = (
        Rating.objects.active()
        .filter(month__gte=start, month__lt=end, **created)
        .values("unit_id")
        .annotate(n=Count("id"), bad=Count("id", filter=bad_rating_q()))
    )
    for r in ratings:
        row = rows.get(r["unit_id"])
        if row:
            row.received, row.bad = r["n"], r["bad"]
    revoked = RatingRevocation.objects.filter(rating_id=OuterRef("rating_id"))
    verified = (
        CallBack.objects.filter(
            ~Exists(revoked),
            bad_rating_q("rating__"),
            verified_true=True,
            rating__month__gte=start,
            rating__month__lt=end,
            **{f"rating__{k}": v for k, v in created.items()},
        )
        .values("rating__unit_id")
        .annotate(n=Count("id"))
    )
    for r in verified:
        if r["rating__unit_id"] in rows:
            rows[r["rating__unit_id"]].verified_bad = r["n"]
    violations = (
        UnitViolation.objects.filter(occurred_on__gte=start, occurred_on__lt=end)
        .values("unit_id")
        .annotate(n=Count("id"))
    )
    for r in violations:
        if r["unit_id"] in rows:
            rows[r["unit_id"]].violations = r["n"]
    minimum = portal_rules().ranking_min_ratings
    for row in rows.values():
        row.score = rules.unit_score(
            base=settings.UNIT_SCORE_BASE,
            verified_bad=row.verified_bad,
            violations=row.violations,
            per_bad=settings.UNIT_SCORE_BAD_RATING,
            per_violation=settings.UNIT_SCORE_VIOLATION,
        )
        row.rankable = row.received >= minimum
    return list(rows.values())


def _units():
    return list(Unit.objects.order_by("display_order", "id").values_list("pk", "name"))


def _order_best(row):
    return (-row.score, row.bad_rate or 0, -row.received)


def _best_worst(rows):
    """Rankable rows in order; a unit is never both in the best and in the worst list."""
    rankable = sorted((r for r in rows if r.rankable), key=_order_best)
    n = settings.RANKING_TOP_N
    best = rankable[:n]
    worst = [r for r in reversed(rankable) if r not in best][:n]
    return rankable, best, worst


WILSON_Z = 1.959964  # 95 % two-sided


def wilson_lower_bound(*, satisfied: int, total: int, z: float = WILSON_Z) -> float | None:
    """The lower bound of the Wilson score interval of satisfied/total, in % (one decimal
    kept by the callers). A unit with 8 of 10 satisfied is less surely good than one with 800
    of 1000: the bound is lower when there are fewer ratings. None without ratings."""
    if total <= 0:
        return None
    p = satisfied / total
    z2 = z * z
    centre = p + z2 / (2 * total)
    margin = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    return 100 * max(0.0, (centre - margin) / (1 + z2 / total))


def fair_min_ratings() -> int:
    return settings.RANKING_FAIR_MIN_RATINGS


def fair_ranking(rows: list[UnitRow], *, minimum: int | None = None) -> dict:
    """Units ordered by the Wilson lower bound of their satisfaction rate (best first), among
    those with at least `minimum` ratings; shown beside the official score, never instead."""
    minimum = fair_min_ratings() if minimum is None else minimum
    ranked, unranked = [], []
    for row in rows:
        row.wilson = wilson_lower_bound(satisfied=row.received - row.bad, total=row.received)
        (ranked if row.received >= minimum and row.received else unranked).append(row)
    ranked.sort(key=lambda r: (-r.wilson, -r.received, r.name))
    return {"rows": ranked, "unranked": unranked, "minimum": minimum, "z": 95}


def ranking(*, year: int, created_before=None) -> dict:
    """Ten best (十优) and ten worst (十差) among units with enough ratings; removal flags.
    `created_before`: count only ratings created before it (the public page: closed days)."""
    units = _units()
    rows = unit_scores(year=year, units=units, created_before=created_before)
    rankable, best, worst = _best_worst(rows)
    previous = set()
    if Rating.objects.filter(month__gte=date(year - 1, 1, 1), month__lt=date(year, 1, 1)).exists():
        previous = {
            r.unit_id
            for r in _best_worst(
                unit_scores(year=year - 1, units=units, created_before=created_before)
            )[2]
        }
    removal = rules.removal_flags({year: {r.unit_id for r in worst}, year - 1: previous}, year)
    for r in worst:
        if r.unit_id in removal:
            r.flags.add("removal")
    return {
        "year": year,
        "rows": rankable,
        "best": best,
        "worst": worst,
        "unranked": [r for r in rows if not r.rankable],
        "removal": removal,
        "fair": fair_ranking(rows),
    }


def ranking_public(*, year: int) -> dict | None:
    """The public ranking page, only when the site setting allows it. Closed days only (the
    per-unit counts change at most once a day, never with each rating: issue 14)."""
    if not portal_rules().ranking_public:
        return None
    return ranking(year=year, created_before=closed_days_end())


@transaction.atomic
def violation_record(
    *, unit, kind: str, actor, occurred_on: date | None = None, note: str = ""
) -> UnitViolation:
    """The office records a discipline violation (−10 for the unit's year)."""
    require_role(actor, Role.OFFICE)
    violation = UnitViolation.objects.create(
        unit=unit,
        kind=kind,
        note=note.strip(),
        actor=actor,
        occurred_on=occurred_on or timezone.localdate(),
        created_at=timezone.now(),
    )
    audit_append(
        chain=f"unit-score:{unit.pk}",
        action="violation_record",
        obj=violation,
        actor=actor,
        after={
            "kind": kind,
            "note": violation.note,
            "occurred_on": violation.occurred_on.isoformat(),
            "seal": record_seal(violation),
        },
    )
    return violation
