"""The month-end report and warning-talk minutes are confidential: kept in private storage
under random names, served only through role-checked views (attack tests, issue 14)."""

import io
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.accounts import roles
from portal.core.storage import private_root
from portal.evaluation.models import WarningAction
from portal.evaluation.reports import monthly_report_build
from portal.evaluation.warnings import warnings_compute

from .test_warnings import bad

# the warnings page is in the Wagtail admin, which needs the whole site's routes
pytestmark = [pytest.mark.django_db, pytest.mark.urls("portal.urls")]

REPORT_PDF = "/office/evaluation/reports/2026-10.pdf"
REPORT_XLSX = "/office/evaluation/reports/2026-10.xlsx"


@pytest.fixture(autouse=True)
def _fresh_media_root(settings, tmp_path):
    """A fresh public MEDIA_ROOT, so a file found there was written by this test."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _refused(response):
    """Refused: 403/404, or (signed out) sent to sign in; never the file."""
    if response.status_code == 302:
        return response["Location"].startswith(settings.LOGIN_URL)
    return response.status_code in (403, 404)


def _path(field) -> Path:
    return Path(field.path).resolve()


def _under(path: Path, root) -> bool:
    return Path(root).resolve() in path.parents


def _pdf(author: str | None = None) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if author:
        pdf.trailer.Info = pdf.make_indirect(
            pikepdf.Dictionary(Author=author, Creator="WPS Office (ZHANGSAN-PC)")
        )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture
def report(official):
    bad(official, 2, date(2026, 10, 5))
    return monthly_report_build(month=date(2026, 10, 1))


@pytest.fixture
def people(make_user, official, make_unit):
    return {
        "department_own": make_user(roles.DEPARTMENT, unit=official.unit),
        "department_other": make_user(roles.DEPARTMENT, unit=make_unit()),
        "monitor": make_user(roles.MONITOR),
        "editor": make_user(roles.EDITOR),
        "leader": make_user(roles.LEADER),
        "office": make_user(roles.OFFICE),
    }


def test_report_files_are_in_private_storage_under_random_names(report):
    for item in report.files.all():
        stored = _path(item.file)
        assert stored.exists()
        assert not _under(stored, settings.MEDIA_ROOT)
        assert _under(stored, private_root())
        assert "monthly-report" not in item.file.name
        assert "2026" not in item.file.name and "10" not in Path(item.file.name).stem[:2]
    assert not (Path(settings.MEDIA_ROOT) / "reports" / "monthly-report-2026-10.pdf").exists()


def test_report_file_only_for_office_and_leader(client, report, people):
    for url in (REPORT_PDF, REPORT_XLSX):
        client.logout()
        assert _refused(client.get(url))
        for who in ("department_own", "department_other", "monitor", "editor"):
            client.force_login(people[who])
            assert _refused(client.get(url)), who
    for who in ("leader", "office"):
        client.force_login(people[who])
        response = client.get(REPORT_PDF)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        xlsx = client.get(REPORT_XLSX)
        assert xlsx.status_code == 200
        assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.fixture
def warning(official):
    bad(official, 10, date(2026, 3, 5))
    return warnings_compute(day=date(2026, 3, 31))[0]


def _record(client, warning, upload):
    return client.post(
        f"/admin/evaluation/warnings/{warning.pk}/action/",
        {"kind": "caution", "note": "已告诫", "minutes": upload},
        follow=True,
    )


def test_minutes_pdf_is_stored_without_author_under_a_random_private_name(client, warning, people):
    client.force_login(people["office"])
    upload = SimpleUploadedFile("张伟丽谈话记录.pdf", _pdf(author="李四"), "application/pdf")
    _record(client, warning, upload)
    action = WarningAction.objects.get(warning=warning)
    stored = _path(action.minutes)
    assert not _under(stored, settings.MEDIA_ROOT) and _under(stored, private_root())
    assert "张伟丽" not in action.minutes.name and "谈话" not in action.minutes.name
    assert "2026" not in action.minutes.name
    data = stored.read_bytes()
    assert b"ZHANGSAN" not in data and "李四".encode("utf-16-be").hex().encode() not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1 and "/Info" not in pdf.trailer


def test_minutes_served_only_to_office_and_leader(client, warning, people):
    client.force_login(people["office"])
    _record(client, warning, SimpleUploadedFile("m.pdf", _pdf(), "application/pdf"))
    action = WarningAction.objects.get(warning=warning)
    url = f"/office/evaluation/warnings/actions/{action.pk}/minutes/"
    html = client.get("/admin/evaluation/warnings/").content.decode()
    assert url in html and "/media/" not in html
    client.logout()
    assert _refused(client.get(url))
    for who in ("department_own", "department_other", "monitor", "editor"):
        client.force_login(people[who])
        assert _refused(client.get(url)), who
    for who in ("leader", "office"):
        client.force_login(people[who])
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "name,content",
    [
        ("记录.html", b"<html><script>alert(1)</script></html>"),
        ("记录.pdf", b"<html><script>alert(1)</script></html>"),
        ("记录.txt", "谈话记录".encode()),
        ("记录.docx", b"PK\x03\x04" + b"\x00" * 40),
    ],
)
def test_minutes_that_are_not_pdf_image_or_office_are_refused(
    client, warning, people, name, content
):
    client.force_login(people["office"])
    response = _record(client, warning, SimpleUploadedFile(name, content, "text/html"))
    assert "谈话记录只接受" in response.content.decode() or "已损坏" in response.content.decode()
    assert not WarningAction.objects.filter(warning=warning).exclude(minutes="").exists()


CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml"'
    ' ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/></Relationships>'
)
CORE = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-'
    'properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>张三</dc:creator>'
    "<cp:lastModifiedBy>ZHANGSAN-PC</cp:lastModifiedBy></cp:coreProperties>"
)


def _docx(extra=None) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("docProps/core.xml", CORE)
        for name, body in (extra or {}).items():
            z.writestr(name, body)
    return out.getvalue()


def test_minutes_docx_is_kept_without_its_author_properties(client, warning, people):
    import zipfile

    client.force_login(people["office"])
    _record(client, warning, SimpleUploadedFile("谈话.bin", _docx(), "application/octet-stream"))
    action = WarningAction.objects.get(warning=warning)
    assert action.minutes.name.endswith(".docx")
    with action.minutes.open("rb") as fh:
        stored = fh.read()
    assert "张三".encode() not in stored and b"ZHANGSAN" not in stored
    with zipfile.ZipFile(io.BytesIO(stored)) as z:
        assert "word/document.xml" in z.namelist() and "docProps/core.xml" not in z.namelist()
        assert b"docProps" not in z.read("[Content_Types].xml") + z.read("_rels/.rels")
    response = client.get(f"/office/evaluation/warnings/actions/{action.pk}/minutes/")
    assert response["Content-Type"].endswith("wordprocessingml.document")


def test_minutes_docx_with_macros_is_refused(client, warning, people):
    client.force_login(people["office"])
    upload = SimpleUploadedFile("记录.docx", _docx({"word/vbaProject.bin": b"\x00"}))
    response = _record(client, warning, upload)
    assert "Office 文件含有宏" in response.content.decode()
    assert not WarningAction.objects.filter(warning=warning).exists()


def test_migration_moves_existing_public_files_to_private_random_names(report, settings):
    import importlib

    from django.apps import apps

    from portal.evaluation.models import MonthlyReportFile

    public = Path(settings.MEDIA_ROOT) / "reports" / "monthly-report-2026-09.pdf"
    public.parent.mkdir(parents=True)
    public.write_bytes(b"%PDF-1.4 old report")
    row = MonthlyReportFile.objects.create(
        report=report, fmt="pdf", file="reports/monthly-report-2026-09.pdf"
    )
    step = importlib.import_module("portal.evaluation.migrations.0007_private_files")
    step.move_to_private(apps, None)
    row.refresh_from_db()
    assert not public.exists()
    assert "monthly-report" not in row.file.name and "2026" not in row.file.name
    stored = _path(row.file)
    assert _under(stored, private_root()) and stored.read_bytes() == b"%PDF-1.4 old report"
