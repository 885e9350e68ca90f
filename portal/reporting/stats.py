"""Public statistics (/stats/): selectors, SVG charts, CSV/XLSX export and views.

The top layer: it reads the evaluation and complaints models; nothing imports it but urls.
Every count is one SQL aggregate (COUNT … FILTER / GROUP BY), never a Python loop over rows.
The whole summary is cached under a data version that the publication app bumps after any
write to cases, ratings, revocations or outcomes (portal.reporting.signals).

How the Nanfeng figures (seed 002: 监测信息, 网上测评, 意见建议, 部门回复, 回复率, 整改,
案件线索, 立案调查, 处分) map onto our data — also shown on the page as "口径说明":

  ratings          网上测评人次    every Rating received (revoked ones included: they happened)
  revoked          撤销            ratings with a RatingRevocation
  revocation_rate  撤销率          revoked / ratings
  satisfaction     满意率          not-revoked ratings that are not 差评 (rules.is_bad) / not revoked
  monitoring       监测信息        cases with source = monitor (monitors' monthly posts)
  suggestions      网民意见建议    cases from netizens (web, Open311), merged duplicates excluded
  replies          部门回复        of those, cases a department has answered (answered_at set)
  reply_rate       回复率          replies / netizen cases assigned to a department
  on_time_rate     按期答复率      cases answered by their deadline / cases with a deadline that
                                   are answered or already past it (open overdue ones count late)
  closed           办结            cases closed (办结), merged duplicates excluded
  solved           问题解决        closed cases the office recorded as solved (Case.solved): closed
                                   is not fixed (FixMyStreet's lesson), so both are shown
  solved_rate      解决率          solved / closed
  callback_satisfaction 回访满意率  cases whose complainant said 满意 at the call-back (回访) /
                                   cases with a call-back result
  rectifications   整改问题        closed cases found true or partly true with measures recorded
  case_leads       案件线索        closed cases classed 违纪违规问题 (handling tier "violation")
  investigations   立案调查        closed cases with action 立案调查 or 处分 (a sanction implies one)
  disciplined      处分干部(人)    distinct officials in closed cases with action 处分 (a case
                                   without a named official counts as one person)
  measure_<kind>   督办通知, 预警告知函, 约谈, 立案调查, 问责, 通报曝光 …: cases with at least one
                                   measure of that kind (HandlingMeasure, several per case)
"""

import csv
import io
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cms.models import Unit
from complaints.choices import (
    MEASURE_KINDS,
    CallbackResult,
    CaseSource,
    CaseState,
    Finding,
    HandlingAction,
    HandlingTier,
)
from complaints.models import Case, HandlingMeasure
from portal.core.dates import months_back
from portal.core.text import spreadsheet_safe, year_or_none
from portal.evaluation.models import Rating, bad_rating_q

from .charts import dot_chart_svg
from .signals import stats_version

# 满意: a rating not revoked and not 差评 (portal.evaluation.rules.is_bad)
SATISFIED = Q(revocation__isnull=True) & ~bad_rating_q()

FIGURES = [
    # key, label, kind ("count" or "rate"), how it is counted
    ("ratings", _("网上测评（人次）"), "count", _("收到的全部测评，含已撤销")),
    ("revoked", _("撤销测评"), "count", _("经效能办核查撤销的测评")),
    ("revocation_rate", _("撤销率"), "rate", _("撤销测评 ÷ 网上测评")),
    ("satisfaction", _("满意率"), "rate", _("未撤销测评中非“不满意”的比例")),
    ("monitoring", _("监测信息（条）"), "count", _("监测员提交的监测信息")),
    (
        "suggestions",
        _("网民意见建议（条）"),
        "count",
        _("网民投诉与建议（网站、Open311），不含并单"),
    ),
    ("replies", _("部门回复（件）"), "count", _("承办部门已答复的网民意见建议")),
    ("reply_rate", _("回复率"), "rate", _("部门回复 ÷ 已交办部门的网民意见建议")),
    (
        "on_time_rate",
        _("按期答复率"),
        "rate",
        _("在办理期限内答复的件数 ÷（已答复 + 已超期未答复）的件数"),
    ),
    ("closed", _("办结（件）"), "count", _("已办结的投诉件，不含并单")),
    ("solved", _("问题解决（件）"), "count", _("办结时确认问题已解决的件数；办结不等于解决")),
    ("solved_rate", _("解决率"), "rate", _("问题解决 ÷ 办结")),
    (
        "callback_satisfaction",
        _("回访满意率"),
        "rate",
        _("回访时投诉人表示满意的件数 ÷ 已回访的件数"),
    ),
    ("rectifications", _("涉及部门整改（件）"), "count", _("办结时核查属实或部分属实并有整改措施")),
    ("case_leads", _("案件线索（件）"), "count", _("办结时定性为违纪违规问题")),
    ("investigations", _("立案调查（件）"), "count", _("处理方式为立案调查或处分")),
    ("disciplined", _("处分干部（人）"), "count", _("处理方式为处分的被投诉人员（去重）")),
    # one figure per measure kind (complaints HandlingMeasure, several per case)
    *[
        (
            f"measure_{kind}",
            format_lazy(_("{label}（件）"), label=label),
            "count",
            format_lazy(_("采取了“{label}”处理措施的投诉件（一件多次计一次）"), label=label),
        )
        for kind, label in MEASURE_KINDS
    ],
]


# --- selectors ------------------------------------------------------------------------------


def _rate(part, whole) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _ratings(year):
    qs = Rating.objects.all()
    return qs.filter(created_at__year=year) if year else qs


def _cases(year):
    qs = Case.objects.exclude(state=CaseState.MERGED)
    return qs.filter(submitted_at__year=year) if year else qs


def _case_counts() -> dict:
    """The aggregate expressions shared by the totals and the per-department figures."""
    today = timezone.localdate()
    answered = Q(answered_at__isnull=False)
    with_deadline = Q(deadline__isnull=False)
    return {
        "assigned": Count("id", filter=Q(department__isnull=False)),
        "answered": Count("id", filter=answered),
        "due": Count("id", filter=with_deadline & (answered | Q(deadline__lt=today))),
        "on_time": Count(
            "id", filter=with_deadline & answered & Q(answered_at__date__lte=F("deadline"))
        ),
        "closed": Count("id", filter=Q(state=CaseState.CLOSED)),
        "closed_solved": Count("id", filter=Q(state=CaseState.CLOSED, solved=True)),
        "callback_done": Count("id", filter=~Q(callback_result="")),
        "callback_satisfied": Count("id", filter=Q(callback_result=CallbackResult.SATISFIED)),
    }


def nanfeng_figures(*, year: int | None = None) -> dict:
    """The Nanfeng set of figures (see the module docstring for each mapping)."""
    r = _ratings(year).aggregate(
        ratings=Count("id"),
        revoked=Count("id", filter=Q(revocation__isnull=False)),
        active=Count("id", filter=Q(revocation__isnull=True)),
        satisfied=Count("id", filter=SATISFIED),
    )
    netizen = Q(source__in=[CaseSource.WEB, CaseSource.OPEN311])
    closed = Q(state=CaseState.CLOSED)
    sanction = closed & Q(handling_action=HandlingAction.SANCTION)
    c = _cases(year).aggregate(
        monitoring=Count("id", filter=Q(source=CaseSource.MONITOR)),
        suggestions=Count("id", filter=netizen),
        netizen_assigned=Count("id", filter=netizen & Q(department__isnull=False)),
        replies=Count("id", filter=netizen & Q(answered_at__isnull=False)),
        rectifications=Count(
            "id", filter=closed & Q(finding__in=[Finding.TRUE, Finding.PARTLY]) & ~Q(measures="")
        ),
        case_leads=Count("id", filter=closed & Q(handling_tier=HandlingTier.VIOLATION)),
        investigations=Count(
            "id",
            filter=closed
            & Q(handling_action__in=[HandlingAction.CASE_OPENED, HandlingAction.SANCTION]),
        ),
        disciplined_named=Count("official", distinct=True, filter=sanction),
        disciplined_unnamed=Count("id", filter=sanction & Q(official__isnull=True)),
        **_case_counts(),
    )
    return {
        "ratings": r["ratings"],
        "revoked": r["revoked"],
        "revocation_rate": _rate(r["revoked"], r["ratings"]),
        "satisfaction": _rate(r["satisfied"], r["active"]),
        "monitoring": c["monitoring"],
        "suggestions": c["suggestions"],
        "replies": c["replies"],
        "reply_rate": _rate(c["replies"], c["netizen_assigned"]),
        "on_time_rate": _rate(c["on_time"], c["due"]),
        "closed": c["closed"],
        "solved": c["closed_solved"],
        "solved_rate": _rate(c["closed_solved"], c["closed"]),
        "callback_satisfaction": _rate(c["callback_satisfied"], c["callback_done"]),
        "rectifications": c["rectifications"],
        "case_leads": c["case_leads"],
        "investigations": c["investigations"],
        "disciplined": c["disciplined_named"] + c["disciplined_unnamed"],
    }


def measure_figures(*, year: int | None = None) -> dict:
    """Cases per measure kind (one GROUP BY; a case with two talks counts once)."""
    rows = (
        HandlingMeasure.objects.filter(case__in=_cases(year))
        .values("kind")
        .annotate(n=Count("case", distinct=True))
        .values_list("kind", "n")
    )
    found = dict(rows)
    return {f"measure_{kind}": found.get(kind, 0) for kind, _label in MEASURE_KINDS}


def satisfaction_trend(*, months: int | None = None, today: date | None = None) -> list[dict]:
    """Per calendar month: ratings not revoked, satisfied among them, the rate."""
    today = today or timezone.localdate()
    months = months or getattr(settings, "STATS_TREND_MONTHS", 12)
    span = months_back(today, months)
    rows = (
        Rating.objects.filter(month__gte=span[0], month__lte=span[-1])
        .values("month")
        .annotate(
            total=Count("id", filter=Q(revocation__isnull=True)),
            satisfied=Count("id", filter=SATISFIED),
            revoked=Count("id", filter=Q(revocation__isnull=False)),
        )
        .order_by("month")
    )
    by_month = {row["month"]: row for row in rows}
    out = []
    for month in span:
        row = by_month.get(month, {"total": 0, "satisfied": 0, "revoked": 0})
        out.append(
            {
                "month": month.strftime("%Y-%m"),
                "ratings": row["total"],
                "satisfied": row["satisfied"],
                "revoked": row["revoked"],
                "rate": _rate(row["satisfied"], row["total"]),
            }
        )
    return out


def department_figures(*, year: int | None = None) -> list[dict]:
    """Per unit: ratings, satisfaction, revocations; cases assigned, answered, on time."""
    ratings = {
        row["unit"]: row
        for row in _ratings(year)
        .values("unit")
        .annotate(
            total=Count("id"),
            revoked=Count("id", filter=Q(revocation__isnull=False)),
            active=Count("id", filter=Q(revocation__isnull=True)),
            satisfied=Count("id", filter=SATISFIED),
        )
        .order_by()
    }
    cases = {
        row["department"]: row
        for row in _cases(year)
        .filter(department__isnull=False)
        .values("department")
        .annotate(**_case_counts())
        .order_by()
    }
    out = []
    for unit_id, name in Unit.objects.order_by("display_order", "name").values_list("id", "name"):
        r = ratings.get(unit_id, {})
        c = cases.get(unit_id, {})
        out.append(
            {
                "unit": name,
                "ratings": r.get("total", 0),
                "revoked": r.get("revoked", 0),
                "satisfaction": _rate(r.get("satisfied", 0), r.get("active", 0)),
                "cases": c.get("assigned", 0),
                "answered": c.get("answered", 0),
                "closed": c.get("closed", 0),
                "on_time_rate": _rate(c.get("on_time", 0), c.get("due", 0)),
                "reply_rate": _rate(c.get("answered", 0), c.get("assigned", 0)),
                "solved_rate": _rate(c.get("closed_solved", 0), c.get("closed", 0)),
                "callback_satisfaction": _rate(
                    c.get("callback_satisfied", 0), c.get("callback_done", 0)
                ),
            }
        )
    return out


def stats_summary(*, year: int | None = None) -> dict:
    """Everything /stats/ shows, cached until the data version changes."""
    today = timezone.localdate()
    key = f"stats:summary:{stats_version()}:{year or 'all'}:{today.isoformat()}"
    summary = cache.get(key)
    if summary is None:
        figures = {**nanfeng_figures(year=year), **measure_figures(year=year)}
        summary = {
            "year": year,
            "values": [figures[k] for k, _label, _kind, _note in FIGURES],
            "trend": satisfaction_trend(today=today),
            "departments": department_figures(year=year),
            "computed_at": timezone.now(),
        }
        cache.set(key, summary, getattr(settings, "STATS_CACHE_SECONDS", 600))
    # labels and notes in the request's language (the cache holds numbers only)
    figures = [
        {"key": k, "label": str(label), "kind": kind, "note": str(note), "value": value}
        for (k, label, kind, note), value in zip(FIGURES, summary["values"], strict=True)
    ]
    return {**summary, "figures": figures}


# --- export ---------------------------------------------------------------------------------


def export_tables(summary: dict) -> list[tuple[str, list[str], list[list]]]:
    """(sheet name, header, rows) for every table on the page, cells guarded."""
    figures = [
        [
            f["label"],
            "" if f["value"] is None else f["value"],
            "%" if f["kind"] == "rate" else "",
            f["note"],
        ]
        for f in summary["figures"]
    ]
    trend = [
        [
            t["month"],
            t["ratings"],
            t["satisfied"],
            t["revoked"],
            "" if t["rate"] is None else t["rate"],
        ]
        for t in summary["trend"]
    ]
    departments = [
        [
            d["unit"],
            d["ratings"],
            d["revoked"],
            "" if d["satisfaction"] is None else d["satisfaction"],
            d["cases"],
            d["answered"],
            d["closed"],
            "" if d["on_time_rate"] is None else d["on_time_rate"],
            "" if d["reply_rate"] is None else d["reply_rate"],
            "" if d["callback_satisfaction"] is None else d["callback_satisfaction"],
            "" if d["solved_rate"] is None else d["solved_rate"],
        ]
        for d in summary["departments"]
    ]
    tables = [
        (_("总体指标"), [_("指标"), _("数值"), _("单位"), _("口径")], figures),
        (_("满意率趋势"), [_("月份"), _("有效测评"), _("满意"), _("撤销"), _("满意率(%)")], trend),
        (
            _("各部门"),
            [
                _("单位"),
                _("测评"),
                _("撤销"),
                _("满意率(%)"),
                _("交办件"),
                _("已答复"),
                _("办结"),
                _("按期答复率(%)"),
                _("回复率(%)"),
                _("回访满意率(%)"),
                _("解决率(%)"),
            ],
            departments,
        ),
    ]
    return [
        (
            str(name),
            [str(h) for h in header],
            [[spreadsheet_safe(cell) for cell in row] for row in rows],
        )
        for name, header, rows in tables
    ]


def _year(request) -> int | None:
    return year_or_none(request.GET.get("year"))


def _filename(year, ext):
    return f"stats-{year or 'all'}-{timezone.localdate().isoformat()}.{ext}"


def export_csv(request):
    summary = stats_summary(year=_year(request))
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel opens UTF-8 Chinese text correctly
    writer = csv.writer(buffer)
    for i, (name, header, rows) in enumerate(export_tables(summary)):
        if i:
            writer.writerow([])
        writer.writerow([name])
        writer.writerow(header)
        writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(summary["year"], "csv")}"'
    return response


def export_xlsx(request):
    from openpyxl import Workbook

    summary = stats_summary(year=_year(request))
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, header, rows in export_tables(summary):
        sheet = workbook.create_sheet(title=name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(summary["year"], "xlsx")}"'
    return response


# --- page -----------------------------------------------------------------------------------


DEPARTMENT_CHARTS = [
    # key, title
    ("satisfaction", _("各部门测评满意率")),
    ("reply_rate", _("各部门回复率（已答复 ÷ 交办件）")),
    ("on_time_rate", _("各部门按期答复率")),
    ("callback_satisfaction", _("各部门回访满意率")),
    ("solved_rate", _("各部门解决率（问题解决 ÷ 办结）")),
]
RATE_CHARTS = ["satisfaction", "reply_rate", "on_time_rate", "callback_satisfaction", "solved_rate"]


def stats_page(request):
    year = _year(request)
    summary = stats_summary(year=year)
    figures = {f["key"]: f for f in summary["figures"]}
    rates_chart = dot_chart_svg(
        rows=[(figures[k]["label"], figures[k]["value"]) for k in RATE_CHARTS],
        title=_("满意、回复、按期、回访满意与解决"),
        chart_id="chart-rates",
    )
    trend_chart = dot_chart_svg(
        rows=[(t["month"], t["rate"]) for t in summary["trend"]],
        title=_("各月满意率"),
        chart_id="chart-trend",
    )
    departments = [d for d in summary["departments"] if d["ratings"] or d["cases"]]
    department_charts = [
        {
            "key": key,
            "title": title,
            "svg": dot_chart_svg(
                rows=[(d["unit"], d[key]) for d in departments if d[key] is not None],
                title=title,
                chart_id=f"chart-{key}",
                label_lang="zh-Hans",
            ),
        }
        for key, title in DEPARTMENT_CHARTS
        if any(d[key] is not None for d in departments)
    ]
    this_year = timezone.localdate().year
    return render(
        request,
        "stats/page.html",
        {
            "summary": summary,
            "year": year,
            "years": list(range(this_year, this_year - 5, -1)),
            "rates_chart": rates_chart,
            "trend_chart": trend_chart,
            "department_charts": department_charts,
            "departments": departments,
            "year_query": f"?year={year}" if year else "",
        },
    )
