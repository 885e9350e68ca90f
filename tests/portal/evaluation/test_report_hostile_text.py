"""The month-end report survives what raters and editors type (issue 16).

The attacks: an anonymous 差评 reason with an unclosed `<b>`, an `<img src=…>` (the PDF engine
would open a server file), a `<a href="javascript:…">` (a live link for the leaders), or a
leading `=` (a formula in the XLSX); an editor-controlled official name or post starting with
`=`. Today one such reason stops the whole month's report."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.evaluation.models import MonthlyReport, Rating
from portal.evaluation.reports import monthly_report_build, monthly_report_rebuild

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<b>态度恶劣未闭合",
    '<img src="/etc/passwd"/>推诿',
    '<a href="javascript:alert(1)">点我</a>',
    '=HYPERLINK("http://evil.example","点")',
    "&amp; 与 & 混写 <font name=x>",
]


def _bad_with(official, reasons, day=date(2026, 10, 5)):
    at = timezone.make_aware(datetime.combine(day, time(10)))
    start = Rating.objects.count()
    Rating.objects.bulk_create(
        Rating(
            official_id=official.pk,
            unit_id=official.unit_id,
            level=2,
            reason=reason,
            channel="web",
            voter_key=f"h{start + i}",
            month=day.replace(day=1),
            created_at=at,
            seq=10**6 + start + i,
            prev_hash="0" * 64,
            hash=f"{start + i:064d}",
        )
        for i, reason in enumerate(reasons)
    )


def _pdf_text(report) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(report.files.get(fmt="pdf").file.read())
    return "".join(page.get_textpage().get_text_range() for page in doc)


def test_hostile_reasons_do_not_stop_the_report_and_stay_text(official):
    _bad_with(official, HOSTILE)
    report = monthly_report_build(month=date(2026, 10, 1))
    assert {f.fmt for f in report.files.all()} == {"pdf", "xlsx"}
    text = _pdf_text(report).replace("\r", "").replace("\n", "")
    assert "<b>态度恶劣未闭合" in text
    assert 'href="javascript:alert(1)"' in text  # shown as text, not turned into a link
    doc_links = []
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(report.files.get(fmt="pdf").file.read())
    for page in pdf:
        doc_links += [a for a in page.get_objects() if "link" in type(a).__name__.lower()]
    assert not doc_links


def test_xlsx_cells_from_raters_and_editors_are_never_formulas(official, make_official):
    from openpyxl import load_workbook

    editor_named = make_official(name="=CMD()", post='=HYPERLINK("x")')
    _bad_with(official, HOSTILE)
    _bad_with(editor_named, ["差"])
    report = monthly_report_build(month=date(2026, 10, 1))
    wb = load_workbook(report.files.get(fmt="xlsx").file)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert cells
    assert all(c.data_type != "f" for c in cells), [c.value for c in cells if c.data_type == "f"]
    values = [str(c.value) for c in cells]
    assert any("HYPERLINK" in v for v in values)  # the text is there, as text
    assert not any(v.startswith("=") for v in values)


def test_the_office_rebuilds_a_month_with_an_audit_event(official, office_user):
    report = monthly_report_build(month=date(2026, 10, 1))
    assert report.data["bad"] == 0
    old_files = {f.file.name for f in report.files.all()}
    _bad_with(official, ["后补录的差评"])
    rebuilt = monthly_report_rebuild(month=date(2026, 10, 1), actor=office_user)
    assert rebuilt.pk == report.pk and rebuilt.data["bad"] == 1
    assert MonthlyReport.objects.count() == 1
    new_files = {f.file.name for f in rebuilt.files.all()}
    assert len(new_files) == 2 and not (new_files & old_files)
    event = AuditEvent.objects.get(action="report.rebuild")
    assert event.before["bad"] == 0 and event.after["bad"] == 1


@pytest.mark.urls("portal.urls")  # the report page is in the admin
def test_rebuild_through_the_report_page_is_for_the_office_only(
    client, official, office_user, make_user
):
    from portal.accounts import roles

    monthly_report_build(month=date(2026, 10, 1))
    _bad_with(official, ["后补录的差评"])
    client.force_login(make_user(roles.LEADER))
    refused = client.post("/admin/evaluation/reports/2026-10/")
    # Wagtail's own denial: back to the admin's home with "permission denied"
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert MonthlyReport.objects.get().data["bad"] == 0
    client.force_login(office_user)
    response = client.post("/admin/evaluation/reports/2026-10/")
    assert response.status_code == 302
    assert MonthlyReport.objects.get().data["bad"] == 1


@pytest.mark.urls("portal.urls")
@pytest.mark.parametrize("path", ["2026-13/", "2026-0/", "2026-00.pdf", "99999-01/"])
def test_impossible_months_are_not_found(client, office_user, path):
    client.force_login(office_user)
    home = "/office/evaluation/reports/" if path.endswith(".pdf") else "/admin/evaluation/reports/"
    assert client.get(home + path).status_code == 404
