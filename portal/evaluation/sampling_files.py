"""Service-record files (办件清单) the office imports, CSV or XLSX: one row per record, columns
办件编号, 手机号, 办结时间 and optionally 工作人员 (the official's name in the chosen unit)."""

import csv
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .sampling import RecordRow, record_row_parse

COLUMNS = {"办件编号": "external_id", "手机号": "phone", "办结时间": "finished_at"}
OFFICIAL_COLUMN = "工作人员"
MAX_ROWS = 20000
MSG_FORMAT = _("请上传 CSV 或 XLSX 文件")
MSG_COLUMNS = _("文件缺少列：%(columns)s")
MSG_TOO_MANY = _("一次最多导入 %(n)s 行")
MSG_EMPTY = _("文件中没有办件")
MSG_UNREADABLE = _("无法读取文件，请检查格式")


def _table(upload) -> list[list]:
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise ValidationError(MSG_UNREADABLE, code="unreadable") from exc
        return [row for row in csv.reader(io.StringIO(text))]
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ValidationError(MSG_UNREADABLE, code="unreadable") from exc
    raise ValidationError(MSG_FORMAT, code="format")


def record_rows_from_file(*, upload, unit) -> list[RecordRow]:
    """Every row parsed, or ValidationError naming the first bad row (nothing is imported)."""
    from cms.models import OfficialPage

    table = [row for row in _table(upload) if any(c not in (None, "") for c in row)]
    if len(table) < 2:
        raise ValidationError(MSG_EMPTY, code="empty")
    header = [str(c or "").strip() for c in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValidationError(MSG_COLUMNS % {"columns": "、".join(missing)}, code="columns")
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(MSG_TOO_MANY % {"n": MAX_ROWS}, code="too_many")
    officials = {o.title: o for o in OfficialPage.objects.filter(unit=unit)}
    index = {name: header.index(name) for name in [*COLUMNS, OFFICIAL_COLUMN] if name in header}
    rows = []
    for n, cells in enumerate(table[1:], start=2):
        cells = list(cells) + [None] * len(header)
        values = {field: cells[index[col]] for col, field in COLUMNS.items()}
        official = None
        if OFFICIAL_COLUMN in index and cells[index[OFFICIAL_COLUMN]]:
            official = officials.get(str(cells[index[OFFICIAL_COLUMN]]).strip())
            if official is None:
                from .sampling import MSG_ROW_OFFICIAL

                raise ValidationError(MSG_ROW_OFFICIAL % {"row": n}, code="official")
        phone = values["phone"]
        phone = str(int(phone)) if isinstance(phone, (int, float)) else str(phone or "")
        rows.append(
            record_row_parse(
                row=n,
                unit=unit,
                external_id=values["external_id"],
                phone=phone,
                finished_at=values["finished_at"],
                official=official,
            )
        )
    return rows
