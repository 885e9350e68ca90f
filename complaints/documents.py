"""The assignment document (交办单) as a PDF with readable Chinese (an embedded CJK font, see
portal/core/pdf.py), laid out as a Chinese official document: lines are wrapped by measured
width and never inside a date, a number or a word; the issuing organ, the seal mark (盖章) and
the issuing date (成文日期) close it."""

import io
import re
from datetime import date

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from portal.core.pdf import cjk_font as _font

OFFICE_NAME = "县效能办（治庸问责办）"
FONT_SIZE = 11
MARGIN = 25 * mm
# units that must stay on one line: a Chinese date, a run of Latin letters/digits/punctuation
# (2026-12-17, case numbers, links), 〔2026〕0001号; anything else breaks between characters
_UNBREAKABLE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|〔\d+〕\d*号?|[\x21-\x7e]+|.", re.S)


def chinese_date(day: date) -> str:
    """2026年12月3日 (GB/T 9704: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _wrap(text: str, width: float, font: str, size: float = FONT_SIZE) -> list[str]:
    lines = []
    for para in text.splitlines() or [""]:
        line = ""
        for token in _UNBREAKABLE.findall(para):
            if line and stringWidth(line + token, font, size) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        lines.append(line)
    return lines


def document_pdf(document) -> bytes:
    case = document.case
    font = _font()
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.setTitle(f"交办单 {document.number}")
    width, height = A4
    text_width = width - 2 * MARGIN
    y = height - 30 * mm
    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, y, "效能投诉交办单")
    y -= 12 * mm
    pdf.setFont(font, FONT_SIZE)
    issued = timezone.localtime(document.issued_at)
    rows = [
        ("交办单编号", document.number),
        ("投诉件编号", case.number),
        ("承办部门", document.department.name),
        ("投诉类别", case.category.name),
        ("交办时间", issued.strftime("%Y-%m-%d %H:%M")),
        ("办理期限", chinese_date(document.deadline)),
    ]
    lines = [f"{label}：{value}" for label, value in rows]
    # a label row (e.g. a long department name) wraps too, never off the page
    lines = [part for line in lines for part in _wrap(line, text_width, font)]
    lines += ["", "交办事项："] + _wrap(document.body, text_width, font)
    lines += ["", "投诉内容："] + _wrap(case.text, text_width, font)

    def new_page():
        pdf.showPage()
        pdf.setFont(font, FONT_SIZE)
        return height - 25 * mm

    for line in lines:
        if y < 25 * mm:
            y = new_page()
        pdf.drawString(MARGIN, y, line)
        y -= 7 * mm
    # the signature block: organ and seal mark, then the issuing date, at the right, below the
    # text (on a new page when the text leaves no room for the seal)
    if y < 45 * mm:
        y = new_page()
    y = min(y - 14 * mm, 50 * mm)
    pdf.drawRightString(width - MARGIN, y, f"{OFFICE_NAME}（盖章）")
    pdf.drawRightString(width - MARGIN, y - 8 * mm, f"成文日期：{chinese_date(issued.date())}")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
