"""Roster import (CSV or XLSX): parse, validate every row, then write all or nothing.

Rules owned here: the documented columns, row-level error messages naming row and field,
re-import updates the same person (by 编号, else by unit + name) instead of duplicating.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db import transaction

from .models import Gender, OfficialIndexPage, OfficialRank, Unit
from .services import OfficialData, official_find, official_upsert

# column header (Chinese, as offices write them) -> (field, required); English aliases accepted
COLUMNS = {
    "编号": ("roster_code", False),
    "单位": ("unit", True),
    "姓名": ("name", True),
    "性别": ("gender", True),
    "职务": ("post", True),
    "类别": ("rank", False),
    "分管工作": ("work_in_charge", False),
    "任职起始": ("term_start", False),
    "任职截止": ("term_end", False),
    "排序": ("display_order", False),
}
ALIASES = {
    "code": "编号",
    "unit": "单位",
    "name": "姓名",
    "gender": "性别",
    "post": "职务",
    "rank": "类别",
    "work_in_charge": "分管工作",
    "term_start": "任职起始",
    "term_end": "任职截止",
    "order": "排序",
}
GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE}
# the Chinese labels as offices write them (the choices' labels are translated on English pages)
RANKS = {
    "一把手": OfficialRank.HEAD,
    "班子成员": OfficialRank.DEPUTY,
    "内设机构负责人": OfficialRank.SECTION,
} | {v: v for v in OfficialRank.values}


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"第{self.row}行「{self.column}」：{self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self):
        return not self.errors


class RosterFileError(Exception):
    """The file as a whole cannot be read (type, encoding, missing columns)."""


def read_rows(path: Path) -> list[dict]:
    """Rows as {Chinese header: text}; row numbers are the spreadsheet's (header = row 1)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(path, read_only=True, data_only=True).active
        except Exception as exc:
            raise RosterFileError(f"无法读取 XLSX 文件：{exc}") from exc
        raw = [list(r) for r in sheet.iter_rows(values_only=True)]
    elif suffix == ".csv":
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise RosterFileError("CSV 编码无法识别，请使用 UTF-8 或 GBK")
        raw = list(csv.reader(io.StringIO(text)))
    else:
        raise RosterFileError("仅支持 .csv 或 .xlsx 文件")
    if not raw:
        raise RosterFileError("文件为空")
    headers = [ALIASES.get(str(h or "").strip(), str(h or "").strip()) for h in raw[0]]
    missing = [c for c, (_, required) in COLUMNS.items() if required and c not in headers]
    if missing:
        raise RosterFileError("缺少必填列：" + "、".join(missing))
    rows = []
    for values in raw[1:]:
        if all(v in (None, "") for v in values):
            rows.append(None)
            continue
        rows.append({h: _text(v) for h, v in zip(headers, values, strict=False) if h in COLUMNS})
    return rows


def _text(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_date(text):
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def validate(rows: list[dict | None], units: dict[str, Unit]):
    """Turn rows into OfficialData, collecting every error instead of stopping at the first."""
    records, errors, seen = [], [], {}
    for index, row in enumerate(rows, start=2):
        if row is None:
            continue
        row_errors = []

        def err(column, message, _row=index, _errors=row_errors):
            _errors.append(RowError(_row, column, message))

        for column, (_, required) in COLUMNS.items():
            if required and not row.get(column):
                err(column, "必填项为空")
        unit = units.get(row.get("单位", ""))
        if row.get("单位") and unit is None:
            err("单位", f"单位“{row['单位']}”不存在，请先在后台添加")
        gender = GENDERS.get(row.get("性别", ""))
        if row.get("性别") and gender is None:
            err("性别", "应为“男”或“女”")
        rank = RANKS.get(row.get("类别") or "内设机构负责人")
        if rank is None:
            err("类别", "应为“一把手”“班子成员”或“内设机构负责人”")
        name = row.get("姓名", "")
        if len(name) > 50:
            err("姓名", "不能超过50个字")
        if len(row.get("职务", "")) > 100:
            err("职务", "不能超过100个字")
        dates = {}
        for column in ("任职起始", "任职截止"):
            if row.get(column):
                try:
                    dates[column] = _parse_date(row[column])
                except ValueError:
                    err(column, "日期格式应为 2024-01-31")
        order = row.get("排序") or "0"
        if not order.isdigit():
            err("排序", "应为非负整数")
        key = row.get("编号") or f"{row.get('单位')}/{name}"
        if key in seen:
            err(
                "编号" if row.get("编号") else "姓名",
                f"与第{seen[key]}行重复",
            )
        seen[key] = index
        if row_errors:
            errors.extend(row_errors)
            continue
        records.append(
            OfficialData(
                name=name,
                gender=gender,
                unit=unit,
                post=row["职务"],
                rank=rank,
                work_in_charge=row.get("分管工作", ""),
                term_start=dates.get("任职起始"),
                term_end=dates.get("任职截止"),
                display_order=int(order),
                roster_code=row.get("编号", ""),
            )
        )
    return records, errors


def roster_import(*, path: Path, dry_run: bool = False, progress=None) -> ImportReport:
    """Import a roster file in one transaction; any row error imports nothing."""
    rows = read_rows(path)
    units = {u.name: u for u in Unit.objects.all()}
    units.update({u.short_name: u for u in units.copy().values() if u.short_name})
    records, errors = validate(rows, units)
    report = ImportReport(errors=errors, dry_run=dry_run)
    if errors:
        return report
    roster = OfficialIndexPage.objects.first()
    if roster is None:
        raise RosterFileError("尚未建立测评对象名册页面，请先运行 migrate 和 seed_demo")
    with transaction.atomic():
        for data in records:
            existing = official_find(data=data)
            if dry_run:
                status = "created" if existing is None else "updated"
            else:
                _, status = official_upsert(data=data, roster=roster, existing=existing)
            setattr(report, status, getattr(report, status) + 1)
            if progress is not None:
                progress.update(1)
    return report
