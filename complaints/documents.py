"""The assignment document (交办单) as a PDF with readable Chinese (an embedded CJK font, see portal/core/pdf.py)."""

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from portal.core.pdf import cjk_font as _font


def _wrap(text: str, width: int) -> list[str]:
    lines = []
    for para in text.splitlines() or [""]:
        while len(para) > width:
            lines.append(para[:width])
            para = para[width:]
        lines.append(para)
    return lines


def document_pdf(document) -> bytes:
    case = document.case
    font = _font()
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.setTitle(f"交办单 {document.number}")
    width, height = A4
    y = height - 30 * mm
    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, y, "效能投诉交办单")
    y -= 12 * mm
    pdf.setFont(font, 11)
    rows = [
        ("交办单编号", document.number),
        ("投诉件编号", case.number),
        ("承办部门", document.department.name),
        ("投诉类别", case.category.name),
        ("交办时间", timezone.localtime(document.issued_at).strftime("%Y-%m-%d %H:%M")),
        ("办理期限", document.deadline.isoformat()),
    ]
    for label, value in rows:
        pdf.drawString(25 * mm, y, f"{label}：{value}")
        y -= 8 * mm
    y -= 4 * mm
    pdf.drawString(25 * mm, y, "交办事项：")
    y -= 8 * mm
    for line in _wrap(document.body, 38) + [""] + ["投诉内容："] + _wrap(case.text, 38):
        if y < 25 * mm:
            pdf.showPage()
            pdf.setFont(font, 11)
            y = height - 25 * mm
        pdf.drawString(25 * mm, y, line)
        y -= 7 * mm
    pdf.drawRightString(width - 25 * mm, 20 * mm, "县效能办（治庸问责办）")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
