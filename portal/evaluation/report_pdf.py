"""The month-end report as PDF (reportlab): page one is the one-screen summary a county leader
reads in two minutes; then the per-official table, the charts (vector drawings, no JavaScript)
and the unit tables. Built from the same LeaderReport as the page and the XLSX.

Every text a rater or an editor typed goes through `_paragraph` (reportlab's mini-markup
escaped: issue 16); chart labels are drawn as plain strings, never parsed as markup."""

import io
import logging
import math
from xml.sax.saxutils import escape

from portal.core.pdf import cjk_font

from .report_data import LeaderReport

UNREADABLE = "〔无法显示的内容〕"
PAGE_ONE_WARNINGS = 12
CHART_UNITS = 15

logger = logging.getLogger(__name__)


def pct(value) -> str:
    """The one number format of rates: one decimal and a percent sign (95.0%)."""
    return "—" if value is None else f"{value:.1f}%"


def number(value, kind: str) -> str:
    if value is None:
        return "—"
    return pct(value) if kind == "rate" else f"{value:g}"


def change(value, kind: str) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else ""
    return f"{sign}{value:.1f}个百分点" if kind == "rate" else f"{sign}{value:g}"


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


def axis_range(values: list[float]) -> tuple[float, float]:
    """A value axis that shows differences: from a round number just below the lowest rate
    to 100 (86–99 % no longer look the same on a 0–100 scale)."""
    present = [v for v in values if v is not None]
    if not present:
        return 0.0, 100.0
    low = max(0.0, math.floor((min(present) - 2) / 5) * 5)
    return (low if low < 100 else 90.0), 100.0


def _trend_chart(report: LeaderReport, font: str, width: float):
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    values = [t.satisfaction_pct for t in report.trend]
    low, high = axis_range(values)
    drawing = Drawing(width, 150)
    drawing.add(
        String(0, 138, f"纵轴自 {low:.0f}% 起；柱上为满意率（%）", fontName=font, fontSize=9)
    )
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 28, width - 50, 100
    chart.data = [[low if v is None else v for v in values]]
    chart.categoryAxis.categoryNames = [t.month[2:] for t in report.trend]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = low, high
    span = high - low
    chart.valueAxis.valueStep = 2 if span <= 10 else 5 if span <= 30 else 10 if span <= 60 else 20
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = "%.0f%%"
    chart.bars[0].fillColor = colors.HexColor("#2f6fb0")
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = lambda v: ""
    drawing.add(chart)
    for i, v in enumerate(values):  # the value over each bar, one decimal
        if v is None:
            continue
        x = chart.x + chart.width * (i + 0.5) / len(values)
        y = chart.y + chart.height * (v - low) / (high - low) + 2
        drawing.add(String(x, y, f"{v:.1f}", fontName=font, fontSize=7, textAnchor="middle"))
    return drawing


def _units_chart(report: LeaderReport, font: str, width: float):
    """Horizontal bars with the full unit names: satisfaction rate, year to date."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    units = [u for u in report.units if u.get("satisfaction_pct") is not None][:CHART_UNITS]
    low, high = axis_range([u["satisfaction_pct"] for u in units])
    row, label_w, value_w = 16, 150, 40
    height = 30 + row * max(1, len(units))
    drawing = Drawing(width, height)
    title = f"各单位满意率（本年截至本月，横轴自 {low:.0f}% 起）"
    drawing.add(String(0, height - 12, title, fontName=font, fontSize=10))
    plot_w = width - label_w - value_w
    for i, u in enumerate(units):
        y = height - 30 - i * row
        drawing.add(
            String(label_w - 4, y + 3, u["name"], fontName=font, fontSize=8, textAnchor="end")
        )
        w = plot_w * (u["satisfaction_pct"] - low) / (high - low)
        drawing.add(
            Rect(
                label_w, y, plot_w, row - 5, fillColor=colors.HexColor("#f0f2f4"), strokeColor=None
            )
        )
        drawing.add(
            Rect(label_w, y, w, row - 5, fillColor=colors.HexColor("#2f6fb0"), strokeColor=None)
        )
        drawing.add(
            String(
                label_w + plot_w + 4, y + 3, pct(u["satisfaction_pct"]), fontName=font, fontSize=8
            )
        )
    drawing.add(Line(label_w, 0, label_w, height - 18, strokeColor=colors.grey, strokeWidth=0.5))
    return drawing


def report_pdf(data) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    report = data if isinstance(data, LeaderReport) else LeaderReport.from_dict(data)
    font = cjk_font()
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22)
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    head = ParagraphStyle("h", fontName=font, fontSize=12, leading=16, spaceBefore=6, spaceAfter=2)
    faults: list = []

    def p(text):
        return _paragraph(text, body, faults)

    style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
    )

    def table(rows, widths):
        return Table(rows, colWidths=[w * mm for w in widths], style=style, repeatRows=1)

    story = [
        Paragraph(f"{report.month_label} 月度测评报告（领导参阅）", title),
        p("本页为摘要；仅统计未撤销的评价。单位得分与排名为本年截至本月。"),
        Paragraph("一、本月主要数据", head),
    ]
    rows = [[p(x) for x in ("指标", "本月", "上月", "环比", "去年同月", "同比")]]
    rows += [
        [
            p(f.label),
            p(number(f.value, f.kind)),
            p(number(f.last_month, f.kind)),
            p(change(f.change_month, f.kind)),
            p(number(f.last_year, f.kind)),
            p(change(f.change_year, f.kind)),
        ]
        for f in report.figures
    ]
    story.append(table(rows, [52, 24, 24, 30, 24, 30]))

    story.append(Paragraph(f"二、本月新增预警（{len(report.warnings)} 人次）", head))
    shown = 0
    for level_label, lines in report.warnings_by_level():
        names = [f"{w.name}（{w.unit}）" for w in lines[: max(0, PAGE_ONE_WARNINGS - shown)]]
        shown += len(names)
        more = f" 等 {len(lines)} 人" if len(names) < len(lines) else ""
        story.append(p(f"{level_label}：{'、'.join(names)}{more}"))
    if not report.warnings:
        story.append(p("本月无新增预警。"))

    story.append(Paragraph("三、单位（本年截至本月）", head))
    worst = [[p("核实差评最多"), p("核实差评"), p("得分")]] + [
        [p(u.name), p(u.verified_bad), p(u.score)] for u in report.most_verified_bad
    ]
    best = [[p("得分最高"), p("得分"), p("满意率")]] + [
        [p(u.name), p(u.score), p(pct(u.satisfaction_pct))] for u in report.best_units
    ]
    if len(worst) == 1:
        worst.append([p("无核实差评"), p("—"), p("—")])
    if len(best) == 1:
        best.append([p("暂无"), p("—"), p("—")])
    story.append(
        Table(
            [[table(worst, [50, 20, 18]), table(best, [50, 18, 22])]],
            colWidths=[93 * mm, 93 * mm],
            style=TableStyle(
                [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]
            ),
        )
    )

    story.append(Paragraph("四、投诉办理", head))
    overdue = "、".join(
        f"{c.number}（{c.department}，超期 {c.days_overdue} 天）" for c in report.overdue[:5]
    )
    supervised = "、".join(f"{c.number}（{c.department}）" for c in report.supervised[:5])
    n_overdue = next((f.value for f in report.figures if f.key == "cases_overdue"), None)
    n_supervised = next((f.value for f in report.figures if f.key == "cases_supervised"), None)
    story.append(p(f"月末超期未答复 {number(n_overdue, 'count')} 件：{overdue or '无'}。"))
    story.append(p(f"本月督办 {number(n_supervised, 'count')} 件：{supervised or '无'}。"))
    story.append(
        p(
            f"打击报复线索 {report.retaliation} 件（其中未办结 {report.retaliation_open} 件），"
            "由效能办直接办理。"
        )
    )
    story.append(Paragraph("五、各月满意率", head))
    story.append(_trend_chart(report, font, 180 * mm))
    story.append(PageBreak())

    story.append(Paragraph("六、测评对象不满意情况", head))
    orows = [[p("姓名"), p("单位"), p("不满意"), p("预警"), p("主要原因")]]
    orows += [
        [
            p(o["name"]),
            p(o["unit"]),
            p(o["bad"]),
            p("、".join(o["warnings"]) or "—"),
            p("；".join(o["reasons"]) or "—"),
        ]
        for o in report.officials
    ]
    story.append(table(orows, [22, 40, 14, 36, 68]))
    story.append(Spacer(1, 4 * mm))
    story.append(_units_chart(report, font, 180 * mm))

    story.append(Paragraph("七、单位得分（官方规则：百分制，本年截至本月）", head))
    urows = [[p(x) for x in ("单位", "得分", "有效评价", "不满意", "满意率", "核实差评", "违纪")]]
    urows += [
        [
            p(u["name"]),
            p(u["score"]),
            p(u["received"]),
            p(u["bad"]),
            p(pct(u.get("satisfaction_pct"))),
            p(u["verified_bad"]),
            p(u["violations"]),
        ]
        for u in report.units
    ]
    story.append(table(urows, [60, 16, 20, 18, 22, 22, 16]))
    story.append(Paragraph("八、按满意率的排名（参考）", head))
    story.append(
        p(
            "官方排名以上表得分为准。此表按满意率 95% 置信区间（Wilson 方法）的下限排列："
            f"评价越少下限越低；有效评价不足 {report.fair_minimum} 条的单位不参与。"
        )
    )
    frows = [[p(x) for x in ("名次", "单位", "满意率", "下限（95%）", "有效评价", "得分")]]
    frows += [
        [p(i), p(u.name), p(pct(u.satisfaction_pct)), p(pct(u.wilson)), p(u.received), p(u.score)]
        for i, u in enumerate(report.fair_units, 1)
    ]
    story.append(table(frows, [14, 70, 24, 26, 22, 18]))

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
