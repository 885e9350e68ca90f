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

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.evaluation.urls")]

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
        f"/office/evaluation/warnings/{warning.pk}/action/",
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
    html = client.get("/office/evaluation/warnings/").content.decode()
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
