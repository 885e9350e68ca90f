"""Unit scores, rankings, the month-end report (HTML, XLSX, PDF) and their pages."""

import io
from datetime import date

import pytest
from django.utils import timezone

from portal.accounts import roles
from portal.evaluation import scores
from portal.evaluation.choices import ViolationKind
from portal.evaluation.models import CallBack, MonthlyReport
from portal.evaluation.reports import monthly_report_build, report_pdf
from portal.evaluation.services import callback_record

from .conftest import next_day
from .test_warnings import bad

pytestmark = pytest.mark.django_db
urls = pytest.mark.urls("tests.portal.evaluation.urls")
# the pages inside the Wagtail admin need the whole site's routes (its menu links every app)
admin_urls = pytest.mark.urls("portal.urls")


def _png():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(out, format="PNG")
    return out.getvalue()


def good(official, n, day):
    return bad(official, n, day, level=4)


def verify_true(ratings, office_user):
    for rating in ratings:
        callback = CallBack.objects.create(
            rating=rating, kind="bad", created_at=timezone.now(), due_at=timezone.now()
        )
        callback_record(
            callback=callback, actor=office_user, reached=True, verified_true=True, resolved=True
        )


def test_unit_score_loses_3_per_verified_bad_rating_and_10_per_violation(
    official, office_user, settings
):
    settings.RANKING_MIN_RATINGS = 1
    votes = bad(official, 3, date(2026, 5, 1))
    verify_true(votes[:2], office_user)
    scores.violation_record(
        unit=official.unit,
        kind=ViolationKind.FORCED_GOOD,
        actor=office_user,
        occurred_on=date(2026, 6, 1),
    )
    row = next(r for r in scores.unit_scores(year=2026) if r.unit_id == official.unit_id)
    assert (row.received, row.bad, row.verified_bad, row.violations) == (3, 3, 2, 1)
    assert row.score == 100 - 6 - 10
    other_year = next(r for r in scores.unit_scores(year=2025) if r.unit_id == official.unit_id)
    assert other_year.score == 100


def test_only_the_office_records_violations(official, make_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        scores.violation_record(
            unit=official.unit, kind=ViolationKind.PRYING, actor=make_user(roles.LEADER)
        )


def test_units_below_the_minimum_of_ratings_are_not_ranked(make_official, settings):
    settings.RANKING_MIN_RATINGS = 5
    many, few = make_official(), make_official()
    good(many, 5, date(2026, 2, 1))
    good(few, 4, date(2026, 2, 1))
    result = scores.ranking(year=2026)
    ranked = {r.unit_id for r in result["rows"]}
    assert many.unit_id in ranked and few.unit_id not in ranked


def test_ten_best_and_ten_worst_and_removal_after_two_years(make_official, office_user, settings):
    settings.RANKING_MIN_RATINGS = 1
    settings.RANKING_TOP_N = 2
    officials = [make_official() for _ in range(5)]
    for year in (2025, 2026):
        for i, o in enumerate(officials):
            good(o, 3, date(year, 3, 1))
            verify_true(bad(o, i, date(year, 3, 2)), office_user)  # unit i loses 3*i
    result = scores.ranking(year=2026)
    assert [r.unit_id for r in result["best"]] == [officials[0].unit_id, officials[1].unit_id]
    assert [r.unit_id for r in result["worst"]] == [officials[4].unit_id, officials[3].unit_id]
    assert result["removal"] == {officials[4].unit_id, officials[3].unit_id}


def test_monthly_report_counts_bad_votes_reasons_and_is_kept(official, make_official):
    other = make_official()
    bad(official, 10, date(2026, 10, 5))
    bad(other, 2, date(2026, 10, 6))
    bad(official, 4, date(2026, 11, 1))  # next month: not in October's report
    from portal.evaluation.warnings import warnings_compute

    warnings_compute(day=date(2026, 10, 31))
    report = monthly_report_build(month=date(2026, 10, 1))
    rows = {o["official_id"]: o for o in report.data["officials"]}
    assert rows[official.pk]["bad"] == 10 and rows[other.pk]["bad"] == 2
    assert rows[official.pk]["warnings"] == ["三级预警（效能告诫）"]
    assert rows[official.pk]["reasons"] == ["差（10）"]
    assert {f.fmt for f in report.files.all()} == {"pdf", "xlsx"}
    assert monthly_report_build(month=date(2026, 10, 1)).pk == report.pk
    assert MonthlyReport.objects.count() == 1


def test_monthly_report_task_builds_last_month_by_default(official):
    from portal.evaluation.tasks import monthly_report_build_task

    monthly_report_build_task.delay()
    today = timezone.localdate()
    last = (today.replace(day=1) - __import__("datetime").timedelta(days=1)).replace(day=1)
    assert MonthlyReport.objects.filter(month=last).exists()


def test_monthly_report_xlsx_has_officials_and_unit_scores(official):
    from openpyxl import load_workbook

    bad(official, 3, date(2026, 10, 5))
    report = monthly_report_build(month=date(2026, 10, 1))
    xlsx = report.files.get(fmt="xlsx")
    wb = load_workbook(io.BytesIO(xlsx.file.read()))
    assert wb.sheetnames[:3] == ["摘要", "测评对象", "单位得分"]  # one sheet per table
    names = [row[0] for row in wb["测评对象"].iter_rows(values_only=True)]
    assert official.title in names


def _ink(text):
    """Dark pixels of `text` rendered through the report's PDF font."""
    pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 renders the PDF")
    data = {
        "month": "2026-10-01",
        "ratings": 0,
        "bad": 0,
        "satisfaction_pct": None,
        "officials": [
            {"name": text, "unit": "", "post": "", "bad": 0, "warnings": [], "reasons": []}
        ],
        "units": [],
    }
    doc = pdfium.PdfDocument(report_pdf(data))
    try:
        text_out = "".join(page.get_textpage().get_text_range() for page in doc)
        page = doc[1]  # the per-official table follows the one-page summary
        textpage = page.get_textpage()
        index, count = textpage.search(text).get_next()
        boxes = [textpage.get_charbox(i) for i in range(index, index + count)]
        left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
        bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
        height = page.get_height()
        image = page.render(scale=2).to_pil().convert("L")
        # the name's glyphs in the first row's name cell
        cell = image.crop(
            (2 * left - 2, 2 * (height - top) - 2, 2 * right + 2, 2 * (height - bottom) + 2)
        )
        return text_out, sum(cell.histogram()[:128])
    finally:
        doc.close()


def test_report_pdf_renders_readable_chinese():
    text_thin, ink_thin = _ink("一一一")
    text_dense, ink_dense = _ink("疆疆疆")
    assert "月度测评报告" in text_thin and "疆疆疆" in text_dense
    # real glyphs: a dense character leaves far more ink than a one-stroke one (missing-glyph
    # boxes would be identical)
    assert ink_thin > 0 and ink_dense > 3 * ink_thin


@admin_urls
def test_report_pages_for_office_and_leader_and_denied_to_departments(client, official, make_user):
    bad(official, 2, date(2026, 10, 5))
    monthly_report_build(month=date(2026, 10, 1))
    client.force_login(make_user(roles.LEADER))
    html = client.get("/admin/evaluation/reports/2026-10/").content.decode()
    assert official.title in html
    pdf = client.get("/office/evaluation/reports/2026-10.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    client.force_login(make_user(roles.DEPARTMENT, unit=official.unit))
    assert client.get("/admin/evaluation/reports/2026-10/").status_code == 404  # not told


@urls
def test_public_ranking_page_follows_the_setting(client, official, settings, site_pages):
    from wagtail.models import Site

    from cms.models import PortalSettings

    settings.RANKING_MIN_RATINGS = 1
    good(official, 2, timezone.localdate())
    with next_day():  # the public ranking counts closed days only (issue 14)
        html = client.get("/rankings/").content.decode()
    assert "十优满意单位" in html and official.unit.name in html
    PortalSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True), defaults={"ranking_public": False}
    )
    assert client.get("/rankings/").status_code == 404


@admin_urls
def test_office_records_a_warning_action_with_minutes(client, official, office_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.evaluation.models import OfficialWarning, WarningAction
    from portal.evaluation.warnings import warnings_compute

    bad(official, 10, date(2026, 3, 5))
    warning = warnings_compute(day=date(2026, 3, 31))[0]
    client.force_login(office_user)
    assert official.title in client.get("/admin/evaluation/warnings/").content.decode()
    client.post(
        f"/admin/evaluation/warnings/{warning.pk}/action/",
        {
            "kind": "caution",
            "note": "已告诫",
            "minutes": SimpleUploadedFile("minutes.png", _png(), "image/png"),
        },
    )
    action = WarningAction.objects.get(warning=warning)
    # minutes are checked by content: a PNG is kept, re-encoded, under a random .png name
    assert action.actor == office_user and action.minutes.name.endswith(".png")
    assert OfficialWarning.objects.count() == 1


@urls
def test_suspicious_bursts_are_flagged_but_keep_counting(client, official, office_user, settings):
    from portal.evaluation.selectors import official_aggregates
    from portal.evaluation.suspicious import suspicious_list

    settings.SUSPICIOUS_BURST_COUNT = 3
    votes = good(official, 3, timezone.localdate())
    from portal.evaluation.models import Rating

    assert all(v.network_key == "" for v in votes)
    Rating.objects.bulk_create(
        [
            Rating(
                official_id=official.pk,
                unit_id=official.unit_id,
                level=4,
                channel="web",
                voter_key=f"burst{i}",
                network_key="net1",
                month=timezone.localdate().replace(day=1),
                created_at=timezone.now(),
                seq=5000 + i,
                prev_hash="0" * 64,
                hash=f"{5000 + i:064d}",
            )
            for i in range(3)
        ]
    )
    flags = suspicious_list()
    assert any(f["kind"] == "burst" and f["official_id"] == official.pk for f in flags)
    with next_day():  # public figures count closed days only (issue 14)
        assert official_aggregates(official_id=official.pk)["total"] == 6
