"""The month-end report as XLSX: one sheet per table, column widths, the header row frozen,
rates stored as fractions shown as 0.0%, counts as whole numbers. Built from the same
LeaderReport as the page and the PDF; text cells pass spreadsheet_safe (issue 16)."""

import io

from portal.core.text import spreadsheet_safe

from .report_data import LeaderReport

RATE = "0.0%"
COUNT = "0"
CHANGE_POINTS = '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"'
CHANGE_COUNT = "+0;-0;0"


def _rate(value):
    return None if value is None else round(value / 100, 4)


def _sheet(wb, title: str, columns: list[tuple[str, float, str | None]], rows: list[list]):
    """A sheet with a bold frozen header; columns are (header, width, number format)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append([spreadsheet_safe(c[0]) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        ws.append([spreadsheet_safe(v) for v in row])
    for i, (_, width, fmt) in enumerate(columns, 1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = width
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt
    ws.freeze_panes = "A2"
    return ws


def report_xlsx(data) -> bytes:
    from openpyxl import Workbook

    report = data if isinstance(data, LeaderReport) else LeaderReport.from_dict(data)
    wb = Workbook()
    wb.remove(wb.active)

    def fmt(kind):
        return RATE if kind == "rate" else COUNT

    summary = _sheet(
        wb,
        "摘要",
        [
            (f"{report.month_label} 指标", 26, None),
            ("本月", 12, None),
            ("上月", 12, None),
            ("环比", 16, None),
            ("去年同月", 12, None),
            ("同比", 16, None),
        ],
        [],
    )
    for f in report.figures:
        as_value = _rate if f.kind == "rate" else (lambda v: v)
        summary.append(
            [
                spreadsheet_safe(f.label),
                as_value(f.value),
                as_value(f.last_month),
                f.change_month,
                as_value(f.last_year),
                f.change_year,
            ]
        )
        row = summary.max_row
        for col in "BCE":
            summary[f"{col}{row}"].number_format = fmt(f.kind)
        for col in "DF":
            summary[f"{col}{row}"].number_format = (
                CHANGE_POINTS if f.kind == "rate" else CHANGE_COUNT
            )

    _sheet(
        wb,
        "测评对象",
        [
            ("姓名", 12, None),
            ("单位", 28, None),
            ("职务", 14, None),
            ("不满意数", 10, COUNT),
            ("预警", 24, None),
            ("主要原因", 48, None),
        ],
        [
            [
                o["name"],
                o["unit"],
                o["post"],
                o["bad"],
                "、".join(o["warnings"]),
                "；".join(o["reasons"]),
            ]
            for o in report.officials
        ],
    )
    _sheet(
        wb,
        "单位得分",
        [
            ("单位", 30, None),
            ("得分", 8, COUNT),
            ("有效评价", 10, COUNT),
            ("不满意", 10, COUNT),
            ("满意率", 10, RATE),
            ("核实差评", 10, COUNT),
            ("违纪", 8, COUNT),
        ],
        [
            [
                u["name"],
                u["score"],
                u["received"],
                u["bad"],
                _rate(u.get("satisfaction_pct")),
                u["verified_bad"],
                u["violations"],
            ]
            for u in report.units
        ],
    )
    _sheet(
        wb,
        "按满意率排名",
        [
            ("名次", 6, COUNT),
            ("单位", 30, None),
            ("满意率", 10, RATE),
            ("满意率下限（95%）", 16, RATE),
            ("有效评价", 10, COUNT),
            ("官方得分", 10, COUNT),
        ],
        [
            [i, u.name, _rate(u.satisfaction_pct), _rate(u.wilson), u.received, u.score]
            for i, u in enumerate(report.fair_units, 1)
        ],
    )
    _sheet(
        wb,
        "新增预警",
        [("级别", 22, None), ("姓名", 12, None), ("单位", 30, None), ("触发时不满意数", 14, COUNT)],
        [[w.level_label, w.name, w.unit, w.count] for w in report.warnings],
    )
    _sheet(
        wb,
        "各月趋势",
        [("月份", 10, None), ("有效评价", 10, COUNT), ("不满意", 10, COUNT), ("满意率", 10, RATE)],
        [[t.month, t.ratings, t.bad, _rate(t.satisfaction_pct)] for t in report.trend],
    )
    _sheet(
        wb,
        "超期与督办",
        [
            ("类别", 10, None),
            ("受理编号", 20, None),
            ("承办单位", 30, None),
            ("办理期限", 12, None),
            ("状态", 10, None),
            ("超期天数", 10, COUNT),
        ],
        [
            ["超期", c.number, c.department, c.deadline, c.state, c.days_overdue]
            for c in report.overdue
        ]
        + [
            ["督办", c.number, c.department, c.deadline, c.state, c.days_overdue]
            for c in report.supervised
        ],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
