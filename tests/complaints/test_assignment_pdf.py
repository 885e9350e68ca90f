"""The assignment document (交办单) as a Chinese official document: the deadline never breaks
across lines, and the bottom carries the issuing date (成文日期) and the seal line."""

import datetime
import subprocess

import pytest
from django.utils import timezone

from complaints.documents import document_pdf
from complaints.models import AssignmentDocument
from complaints.services.workflow import case_accept, case_assign

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode().splitlines()


@pytest.fixture
def document(make_case, make_unit, office_user):
    case, _ = make_case()
    case = case_accept(case=case, actor=office_user)
    case = case_assign(case=case, actor=office_user, department=make_unit(name="县人社局"))
    doc = AssignmentDocument.objects.get(case=case)
    doc.deadline = datetime.date(2026, 12, 17)
    # the date falls right where a fixed 38-character wrap used to cut the line
    doc.body = "甲" * 34 + "请于 2026-12-17 前答复。"
    doc.save(update_fields=["deadline", "body"])
    return doc


def test_the_deadline_stays_on_one_line(document):
    lines = _text(document_pdf(document))
    body = [line for line in lines if "办理期限" not in line]
    assert any("2026-12-17" in line for line in body), lines
    deadline_row = [line for line in lines if "办理期限" in line]
    assert deadline_row and "2026年12月17日" in deadline_row[0]


def test_issuing_date_and_seal_line_close_the_document(document):
    lines = [line.strip() for line in _text(document_pdf(document)) if line.strip()]
    issued = timezone.localdate(document.issued_at)
    day = f"{issued.year}年{issued.month}月{issued.day}日"
    assert any("成文日期" in line and day in line for line in lines), lines
    assert any("县效能办（治庸问责办）" in line and "（盖章）" in line for line in lines), lines
    # they close the document: nothing of the body comes after them
    seal = max(i for i, line in enumerate(lines) if "（盖章）" in line)
    assert seal >= len(lines) - 2
