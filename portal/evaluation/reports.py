"""Month-end report (领导参阅): built from SQL aggregates, kept, and exported as PDF and XLSX.

Owns: what the report counts (不满意 per official, not revoked; warnings of the month; main
reasons; unit scores for the year to the end of the month) and the export formats.
"""

import io
import logging
from collections import defaultdict
from datetime import date
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from cms.models import OfficialPage
from portal.accounts.guards import Role, require_role
from portal.audit.services import audit_append
from portal.core.dates import month_start, next_month, previous_month
from portal.core.pdf import cjk_font
from portal.core.text import spreadsheet_safe

from .choices import ReportFormat
from .models import MonthlyReport, MonthlyReportFile, OfficialWarning, Rating, bad_rating_q
from .scores import unit_scores

REASONS_PER_OFFICIAL = 3
UNREADABLE = "〔无法显示的内容〕"

logger = logging.getLogger(__name__)


def report_data(*, month: date) -> dict:
    """The report's numbers for `month` (first day), all from grouped queries."""
    end = next_month(month)
    active = Rating.objects.active()
    in_month = active.filter(month=month)
    totals = in_month.aggregate(n=Count("id"), bad=Count("id", filter=bad_rating_q()))
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
    for w in (
        OfficialWarning.objects.filter(
            Q(period_kind="month", period_start=month)
            | Q(period_kind="year", created_at__date__gte=month, created_at__date__lt=end)
        )
        .filter(official_id__in=ids)
        .order_by("official_id", "level")
    ):
        warnings[w.official_id].append(w.get_level_display())
    officials = [
        {
            "official_id": r["official_id"],
            "name": names.get(r["official_id"], ("?", "", ""))[0],
            "unit": names.get(r["official_id"], ("?", "", ""))[1],
            "post": names.get(r["official_id"], ("?", "", ""))[2],
            "bad": r["bad"],
            "warnings": warnings.get(r["official_id"], []),
            "reasons": reasons.get(r["official_id"], []),
        }
        for r in per_official
    ]
    units = [
        {
            "unit_id": u.unit_id,
            "name": u.name,
            "score": u.score,
            "received": u.received,
            "bad": u.bad,
            "verified_bad": u.verified_bad,
            "violations": u.violations,
        }
        for u in sorted(unit_scores(year=month.year, until=end), key=lambda u: (-u.score, u.name))
    ]
    n, bad = totals["n"] or 0, totals["bad"] or 0
    return {
        "month": month.isoformat(),
        "ratings": n,
        "bad": bad,
        "satisfaction_pct": round(100 * (1 - bad / n), 1) if n else None,
        "officials": officials,
        "units": units,
    }


def _files_write(report: MonthlyReport, data: dict) -> None:
    # stored under random names in private storage (RandomName): only the extension of these
    # names is kept; the download name is chosen by the view
    MonthlyReportFile.objects.create(
        report=report, fmt=ReportFormat.XLSX, file=ContentFile(report_xlsx(data), name="r.xlsx")
    )
    MonthlyReportFile.objects.create(
        report=report, fmt=ReportFormat.PDF, file=ContentFile(report_pdf(data), name="r.pdf")
    )


def monthly_report_build(*, month: date | None = None) -> MonthlyReport:
    """Build and keep the report of `month` (default: the month just ended). Idempotent."""
    month = month_start(month or previous_month(timezone.localdate()))
    existing = MonthlyReport.objects.filter(month=month).first()
    if existing:
        return existing
    data = report_data(month=month)
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(month=month, data=data, created_at=timezone.now())
            _files_write(report, data)
    except IntegrityError:  # built concurrently by another worker
        return MonthlyReport.objects.get(month=month)
    return report


def _summary(data: dict) -> dict:
    return {"ratings": data["ratings"], "bad": data["bad"], "officials": len(data["officials"])}


def monthly_report_rebuild(*, month: date, actor) -> MonthlyReport:
    """The office rebuilds a kept month (after revocations or late corrections): new figures
    and new files replace the old ones, an audit event records the totals before and after.
    Builds the month when it was never built."""
    require_role(actor, Role.OFFICE)
    month = month_start(month)
    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update().filter(month=month).first()
        if report is None:
            report = monthly_report_build(month=month)
            before = None
        else:
            before = _summary(report.data)
            old = list(report.files.all())
            report.data = report_data(month=month)
            report.created_at = timezone.now()
            report.save(update_fields=["data", "created_at"])
            for item in old:
                item.delete()
                name, storage = item.file.name, item.file.storage
                transaction.on_commit(lambda n=name, s=storage: s.delete(n))
            _files_write(report, report.data)
        audit_append(
            chain=f"report:{month:%Y-%m}",
            action="report.rebuild",
            obj=report,
            actor=actor,
            before=before,
            after=_summary(report.data),
        )
    return report


def report_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "测评对象"
    _append(ws, [f"{data['month'][:7]} 月度测评报告（领导参阅）"])
    ws["A1"].font = Font(bold=True, size=14)
    _append(
        ws,
        ["有效评价", data["ratings"], "不满意", data["bad"], "满意率%", data["satisfaction_pct"]],
    )
    _append(ws, [])
    _append(ws, ["姓名", "单位", "职务", "不满意数", "预警", "主要原因"])
    for o in data["officials"]:
        _append(
            ws,
            [
                o["name"],
                o["unit"],
                o["post"],
                o["bad"],
                "、".join(o["warnings"]),
                "；".join(o["reasons"]),
            ],
        )
    us = wb.create_sheet("单位得分")
    _append(us, ["单位", "得分", "有效评价", "不满意", "核实差评", "违纪"])
    for u in data["units"]:
        _append(
            us, [u["name"], u["score"], u["received"], u["bad"], u["verified_bad"], u["violations"]]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _append(ws, row) -> None:
    """Append a row whose text cells a spreadsheet shows as text (names and posts come from
    editors, reasons from anonymous raters: a leading = would run as a formula)."""
    ws.append([spreadsheet_safe(v) for v in row])


def _paragraph(text, style, faults: list):
    """A reportlab Paragraph showing `text` as text: its mini-markup (<b>, <img>, <a>, <font>
    and entities) is escaped, so a rater's reason can neither break the month's PDF nor make
    the engine open a file or the leaders' reader follow a link."""
    from reportlab.platypus import Paragraph

    try:
        return Paragraph(escape(str(text)), style)
    except ValueError:  # not expected after escaping; one value never stops the report
        logger.warning("report: a value could not be rendered and was replaced")
        faults.append(str(text)[:200])
        return Paragraph(UNREADABLE, style)


def report_pdf(data: dict) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22)
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    head = ParagraphStyle("h", fontName=font, fontSize=12, leading=16, spaceBefore=6)

    faults: list = []

    def p(text):
        return _paragraph(text, body, faults)

    story = [
        Paragraph(f"{data['month'][:7]} 月度测评报告（领导参阅）", title),
        Spacer(1, 4 * mm),
        p(
            f"有效评价 {data['ratings']} 条，不满意 {data['bad']} 条，满意率 "
            f"{data['satisfaction_pct'] if data['satisfaction_pct'] is not None else '—'}%。"
            "仅统计未撤销的评价。"
        ),
        Paragraph("一、测评对象不满意情况", head),
    ]
    style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    rows = [[p("姓名"), p("单位"), p("不满意"), p("预警"), p("主要原因")]]
    rows += [
        [
            p(o["name"]),
            p(o["unit"]),
            p(o["bad"]),
            p("、".join(o["warnings"]) or "—"),
            p("；".join(o["reasons"]) or "—"),
        ]
        for o in data["officials"]
    ]
    story.append(
        Table(
            rows, colWidths=[22 * mm, 40 * mm, 14 * mm, 36 * mm, 68 * mm], style=style, repeatRows=1
        )
    )
    story.append(Paragraph("二、单位得分（本年截至本月）", head))
    urows = [[p("单位"), p("得分"), p("有效评价"), p("不满意"), p("核实差评"), p("违纪")]]
    urows += [
        [
            p(u["name"]),
            p(u["score"]),
            p(u["received"]),
            p(u["bad"]),
            p(u["verified_bad"]),
            p(u["violations"]),
        ]
        for u in data["units"]
    ]
    story.append(
        Table(
            urows,
            colWidths=[60 * mm, 20 * mm, 24 * mm, 20 * mm, 24 * mm, 20 * mm],
            style=style,
            repeatRows=1,
        )
    )
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title="月度测评报告",
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
    ).build(story)
    return buffer.getvalue()
