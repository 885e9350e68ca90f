"""The month-end report's data (领导参阅): one dataclass, built by one selector, read by the HTML
page, the PDF and the XLSX alike (portal.evaluation.reports keeps it as JSON).

Owns: what the report counts — the month's figures beside last month and the same month last
year, the new warnings by level, the units with the most verified 差评 and the best ones (the
official 100-point score, year to date) and the fair ranking beside it, the monthly trend, the
per-official table. Case figures (overdue, supervised, retaliation reports) belong to the
complaints domain, which evaluation does not import: the read side (portal.reporting) registers
a provider with `report_section_register` when the apps are ready.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import date

from django.db.models import Count, Q

from cms.models import OfficialPage
from portal.core.dates import add_months, next_month

from .models import CallBack, OfficialWarning, Rating, RatingRevocation, bad_rating_q
from .scores import fair_ranking, unit_scores

REASONS_PER_OFFICIAL = 3
TOP_UNITS = 5
TREND_MONTHS = 12

# providers of the case section: fn(*, month: date) -> CaseSection-shaped dict
_SECTIONS: list[Callable[..., dict]] = []


def report_section_register(provider: Callable[..., dict]) -> None:
    """Called once by portal.reporting when the apps are ready (dependency inversion: the
    report needs case figures, and evaluation may not import complaints)."""
    if provider not in _SECTIONS:
        _SECTIONS.append(provider)


@dataclass
class Figure:
    key: str
    label: str
    kind: str  # "count" or "rate"
    value: float | None = None
    last_month: float | None = None
    last_year: float | None = None

    @property
    def change_month(self):
        return _change(self.value, self.last_month)

    @property
    def change_year(self):
        return _change(self.value, self.last_year)


@dataclass
class WarningLine:
    level: str
    level_label: str
    name: str
    unit: str
    count: int = 0


@dataclass
class UnitLine:
    unit_id: int
    name: str
    score: int = 100
    received: int = 0
    bad: int = 0
    verified_bad: int = 0
    violations: int = 0
    satisfaction_pct: float | None = None
    wilson: float | None = None


@dataclass
class TrendPoint:
    month: str
    ratings: int = 0
    bad: int = 0
    satisfaction_pct: float | None = None


@dataclass
class CaseLine:
    number: str
    department: str
    deadline: str
    state: str
    days_overdue: int = 0


@dataclass
class LeaderReport:
    month: str
    ratings: int = 0
    bad: int = 0
    satisfaction_pct: float | None = None
    figures: list[Figure] = field(default_factory=list)
    warnings: list[WarningLine] = field(default_factory=list)
    most_verified_bad: list[UnitLine] = field(default_factory=list)
    best_units: list[UnitLine] = field(default_factory=list)
    fair_units: list[UnitLine] = field(default_factory=list)
    fair_minimum: int = 30
    trend: list[TrendPoint] = field(default_factory=list)
    overdue: list[CaseLine] = field(default_factory=list)
    supervised: list[CaseLine] = field(default_factory=list)
    retaliation: int = 0
    retaliation_open: int = 0
    officials: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)

    @property
    def month_label(self) -> str:
        return self.month[:7]

    def warnings_by_level(self) -> list[tuple[str, list[WarningLine]]]:
        groups: dict[str, list] = {}
        for w in self.warnings:
            groups.setdefault(w.level_label, []).append(w)
        return list(groups.items())

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "LeaderReport":
        """The kept JSON back into the object (older reports lack the newer keys)."""
        nested = {
            "figures": Figure,
            "warnings": WarningLine,
            "most_verified_bad": UnitLine,
            "best_units": UnitLine,
            "fair_units": UnitLine,
            "trend": TrendPoint,
            "overdue": CaseLine,
            "supervised": CaseLine,
        }
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        for key, kind in nested.items():
            names = {f.name for f in fields(kind)}
            kwargs[key] = [
                kind(**{k: v for k, v in item.items() if k in names})
                for item in data.get(key) or []
            ]
        return cls(**kwargs)


def _change(now, before):
    if now is None or before is None:
        return None
    return (
        now - before if isinstance(now, int) and isinstance(before, int) else round(now - before, 1)
    )


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _month_figures(month: date) -> dict:
    end = next_month(month)
    totals = (
        Rating.objects.active()
        .filter(month=month)
        .aggregate(n=Count("id"), bad=Count("id", filter=bad_rating_q()))
    )
    revoked = RatingRevocation.objects.filter(rating_id__isnull=False, rating__month=month)
    verified = CallBack.objects.filter(
        bad_rating_q("rating__"), verified_true=True, rating__month=month
    ).exclude(rating_id__in=revoked.values("rating_id"))
    n, bad = totals["n"] or 0, totals["bad"] or 0
    out = {
        "ratings": n,
        "bad": bad,
        "satisfaction_pct": None if not n else round(100 * (1 - bad / n), 1),
        "verified_bad": verified.count(),
        "new_warnings": _warnings_q(month, end).count(),
    }
    for provider in _SECTIONS:
        out.update(provider(month=month).get("figures", {}))
    return out


FIGURE_LABELS = [
    ("ratings", "有效评价（条）", "count"),
    ("bad", "不满意（条）", "count"),
    ("satisfaction_pct", "满意率", "rate"),
    ("verified_bad", "核实差评（条）", "count"),
    ("new_warnings", "新增预警（人次）", "count"),
]


def _warnings_q(month: date, end: date):
    return OfficialWarning.objects.filter(
        Q(period_kind="month", period_start=month)
        | Q(period_kind="year", created_at__date__gte=month, created_at__date__lt=end)
    )


def _officials(month: date, end: date, in_month) -> list[dict]:
    per_official = list(
        in_month.bad()
        .values("official_id")
        .annotate(bad=Count("id"))
        .order_by("-bad", "official_id")
    )
    ids = [r["official_id"] for r in per_official]
    names = {
        o.pk: (o.title, o.unit.name, o.post)
        for o in OfficialPage.objects.filter(pk__in=ids).select_related("unit")
    }
    reasons = defaultdict(list)
    for r in (
        in_month.bad()
        .filter(official_id__in=ids)
        .exclude(reason="")
        .values("official_id", "reason")
        .annotate(n=Count("id"))
        .order_by("official_id", "-n", "reason")
    ):
        if len(reasons[r["official_id"]]) < REASONS_PER_OFFICIAL:
            reasons[r["official_id"]].append(f"{r['reason']}（{r['n']}）")
    warnings = defaultdict(list)
    for w in _warnings_q(month, end).filter(official_id__in=ids).order_by("official_id", "level"):
        warnings[w.official_id].append(w.get_level_display())
    unknown = ("?", "", "")
    return [
        {
            "official_id": r["official_id"],
            "name": names.get(r["official_id"], unknown)[0],
            "unit": names.get(r["official_id"], unknown)[1],
            "post": names.get(r["official_id"], unknown)[2],
            "bad": r["bad"],
            "warnings": warnings.get(r["official_id"], []),
            "reasons": reasons.get(r["official_id"], []),
        }
        for r in per_official
    ]


def _warning_lines(month: date, end: date) -> list[WarningLine]:
    order = {"I": 0, "II": 1, "III": 2}
    items = sorted(
        _warnings_q(month, end).select_related("official", "official__unit"),
        key=lambda w: (order.get(w.level, 9), w.official.unit.name, w.official.title),
    )
    return [
        WarningLine(
            level=w.level,
            level_label=w.get_level_display(),
            name=w.official.title,
            unit=w.official.unit.name,
            count=w.count,
        )
        for w in items
    ]


def _trend(month: date) -> list[TrendPoint]:
    first = add_months(month, -(TREND_MONTHS - 1))
    rows = {
        r["month"]: r
        for r in Rating.objects.active()
        .filter(month__gte=first, month__lte=month)
        .values("month")
        .annotate(n=Count("id"), bad=Count("id", filter=bad_rating_q()))
        .order_by()
    }
    out = []
    for i in range(TREND_MONTHS):
        m = add_months(first, i)
        r = rows.get(m, {"n": 0, "bad": 0})
        out.append(
            TrendPoint(
                month=m.strftime("%Y-%m"),
                ratings=r["n"],
                bad=r["bad"],
                satisfaction_pct=None if not r["n"] else round(100 * (1 - r["bad"] / r["n"]), 1),
            )
        )
    return out


def _unit_line(u) -> UnitLine:
    return UnitLine(
        unit_id=u.unit_id,
        name=u.name,
        score=u.score,
        received=u.received,
        bad=u.bad,
        verified_bad=u.verified_bad,
        violations=u.violations,
        satisfaction_pct=u.satisfaction_pct,
        wilson=None if u.wilson is None else round(u.wilson, 1),
    )


def leader_report_get(*, month: date) -> LeaderReport:
    """The report of `month` (its first day), from grouped queries only."""
    end = next_month(month)
    in_month = Rating.objects.active().filter(month=month)
    figures_now = _month_figures(month)
    figures_last_month = _month_figures(add_months(month, -1))
    figures_last_year = _month_figures(add_months(month, -12))
    labels = list(FIGURE_LABELS)
    sections = [provider(month=month) for provider in _SECTIONS]
    for section in sections:
        labels += [tuple(x) for x in section.get("labels", [])]
    figures = [
        Figure(
            key=key,
            label=label,
            kind=kind,
            value=figures_now.get(key),
            last_month=figures_last_month.get(key),
            last_year=figures_last_year.get(key),
        )
        for key, label, kind in labels
    ]
    rows = unit_scores(year=month.year, until=end)
    fair = fair_ranking(rows)
    official_order = sorted(rows, key=lambda u: (-u.score, u.name))
    most_bad = sorted(
        (u for u in rows if u.verified_bad), key=lambda u: (-u.verified_bad, -u.bad, u.name)
    )
    best = [u for u in official_order if u.received][:TOP_UNITS]
    report = LeaderReport(
        month=month.isoformat(),
        ratings=figures_now["ratings"],
        bad=figures_now["bad"],
        satisfaction_pct=figures_now["satisfaction_pct"],
        figures=figures,
        warnings=_warning_lines(month, end),
        most_verified_bad=[_unit_line(u) for u in most_bad[:TOP_UNITS]],
        best_units=[_unit_line(u) for u in best],
        fair_units=[_unit_line(u) for u in fair["rows"]],
        fair_minimum=fair["minimum"],
        trend=_trend(month),
        officials=_officials(month, end, in_month),
        units=[
            {
                "unit_id": u.unit_id,
                "name": u.name,
                "score": u.score,
                "received": u.received,
                "bad": u.bad,
                "verified_bad": u.verified_bad,
                "violations": u.violations,
                "satisfaction_pct": u.satisfaction_pct,
            }
            for u in official_order
        ],
    )
    for section in sections:
        report.overdue += [CaseLine(**c) for c in section.get("overdue", [])]
        report.supervised += [CaseLine(**c) for c in section.get("supervised", [])]
        report.retaliation += section.get("retaliation", 0)
        report.retaliation_open += section.get("retaliation_open", 0)
    return report
