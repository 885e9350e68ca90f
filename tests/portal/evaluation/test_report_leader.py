"""Issue 22: the leader report (领导参阅) — one LeaderReport for the page, the PDF and the XLSX;
page one a one-screen summary whose numbers match the database for a seeded month."""

import ast
import io
import os
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from complaints.services import case_submit, retaliation_report
from complaints.services.workflow import case_accept, case_assign
from complaints.services.workflow.deadlines import case_supervise
from portal.accounts import roles
from portal.core.dates import add_months
from portal.evaluation import report_svg
from portal.evaluation.models import Rating
from portal.evaluation.reports import monthly_report_build
from portal.evaluation.warnings import warnings_compute
from tests.complaints.publication import factories as f

from .test_reports import good, verify_true
from .test_warnings import bad

pytestmark = pytest.mark.django_db
# the pages inside the Wagtail admin need the whole site's routes (its menu links every app)
admin_urls = pytest.mark.urls("portal.urls")
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).parents[3] / "test-artifacts"))


@pytest.fixture
def month_seeded(make_unit, make_official, office_user, settings):
    """This month: 县交通运输局 40 good + 6 bad (1 verified); 县发展和改革委员会 10 good + 12
    bad (a warning); last month 20 ratings, 2 bad; the same month last year 10, 5 bad. Cases:
    one overdue and supervised, one retaliation report."""
    settings.RANKING_MIN_RATINGS = 1
    settings.RANKING_FAIR_MIN_RATINGS = 30
    today = timezone.localdate()
    month = today.replace(day=1)
    transport = make_official(name="钱进", unit=make_unit(name="县交通运输局"))
    reform = make_official(name="孙立", unit=make_unit(name="县发展和改革委员会"))
    good(transport, 40, month)
    verify_true(bad(transport, 6, month)[:1], office_user)
    good(reform, 10, month)
    bad(reform, 12, month)
    last = add_months(month, -1)
    good(transport, 18, last)
    bad(transport, 2, last)
    year_ago = add_months(month, -12)
    good(reform, 5, year_ago)
    bad(reform, 5, year_ago)
    warnings_compute(day=today)
    office = f.office()
    late, _ = case_submit(category=f.category(), text="窗口排队太久", unit=reform.unit)
    case_accept(case=late, actor=office)
    case_assign(case=late, actor=office, department=reform.unit, deadline=today - timedelta(days=1))
    assert case_supervise(case=late, actor=office)
    named, _ = case_submit(
        category=f.category(),
        text="反映窗口作风",
        anonymous=False,
        contact_name="王五",
        contact_phone="13800138000",
    )
    retaliation_report(case=named, text="反映后被刁难")
    report = monthly_report_build(month=month)
    return {"report": report, "transport": transport, "reform": reform, "late": late}


def _figures(report):
    return {fig["key"]: fig for fig in report.data["figures"]}


def test_the_summary_figures_match_the_database(month_seeded):
    report = month_seeded["report"]
    month = report.month
    active = Rating.objects.active()
    figures = _figures(report)
    n = active.filter(month=month).count()
    assert figures["ratings"]["value"] == n == 68
    assert figures["bad"]["value"] == active.filter(month=month).bad().count() == 18
    assert figures["satisfaction_pct"]["value"] == round(100 * 50 / 68, 1) == 73.5
    assert figures["ratings"]["last_month"] == 20 and figures["ratings"]["last_year"] == 10
    assert figures["satisfaction_pct"]["last_month"] == 90.0
    assert figures["satisfaction_pct"]["last_year"] == 50.0
    assert figures["verified_bad"]["value"] == 1
    assert figures["cases_overdue"]["value"] == 1 and figures["cases_supervised"]["value"] == 1
    assert figures["retaliation"]["value"] == 1 and report.data["retaliation"] == 1
    assert [c["number"] for c in report.data["overdue"]] == [month_seeded["late"].number]
    warned = {(w["name"], w["unit"]) for w in report.data["warnings"]}
    assert ("孙立", "县发展和改革委员会") in warned
    assert [u["name"] for u in report.data["most_verified_bad"]] == ["县交通运输局"]
    # official: 发改委 (100) before 交通运输局 (97); fair: 交通运输局 (87.0 %) first
    assert [u["name"] for u in report.data["best_units"]][:2] == [
        "县发展和改革委员会",
        "县交通运输局",
    ]
    assert [u["name"] for u in report.data["fair_units"]] == ["县交通运输局"]  # 发改委 < 30


def test_the_case_section_names_no_complainant(month_seeded):
    import json

    text = json.dumps(month_seeded["report"].data, ensure_ascii=False)
    assert "王五" not in text and "13800138000" not in text and "反映后被刁难" not in text


@admin_urls
def test_the_report_page_shows_the_summary(client, month_seeded, make_user):
    report = month_seeded["report"]
    client.force_login(make_user(roles.LEADER))
    html = client.get(f"/admin/evaluation/reports/{report.month:%Y-%m}/").content.decode()
    row = html.split('data-figure="satisfaction_pct">', 1)[1].split("</tr>", 1)[0]
    assert "73.5%" in row and "90.0%" in row and "-16.5个百分点" in row and "+23.5个百分点" in row
    assert "孙立（县发展和改革委员会）" in html
    assert month_seeded["late"].number in html and "Wilson" in html


def test_xlsx_has_widths_frozen_headers_number_formats_and_a_sheet_per_table(month_seeded):
    from openpyxl import load_workbook

    xlsx = month_seeded["report"].files.get(fmt="xlsx")
    wb = load_workbook(io.BytesIO(xlsx.file.read()))
    assert wb.sheetnames == [
        "摘要",
        "测评对象",
        "单位得分",
        "按满意率排名",
        "新增预警",
        "各月趋势",
        "超期与督办",
    ]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert all(ws.column_dimensions[c].width >= 6 for c in "AB"), ws.title
    summary = wb["摘要"]
    rows = {r[0].value: r for r in summary.iter_rows(min_row=2)}
    rate = rows["满意率"]
    assert rate[1].value == pytest.approx(0.735) and rate[1].number_format == "0.0%"
    assert rows["有效评价（条）"][1].value == 68 and rows["有效评价（条）"][1].number_format == "0"
    units = wb["单位得分"]
    assert units.column_dimensions["A"].width == 30
    assert units["E2"].number_format == "0.0%"
    assert wb["超期与督办"]["B2"].value == month_seeded["late"].number


def test_pdf_first_page_is_the_summary_rendered_to_png(month_seeded):
    pdf = month_seeded["report"].files.get(fmt="pdf").file.read()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "leader-report.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "2",
            str(ARTIFACTS / "leader-report.pdf"),
            str(ARTIFACTS / "leader-report"),
        ],
        check=True,
    )
    pngs = sorted(ARTIFACTS.glob("leader-report-*.png"))
    assert pngs and pngs[0].stat().st_size > 10_000
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(ARTIFACTS / "leader-report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "本月主要数据" in text and "73.5%" in text and "本月新增预警" in text
    assert "打击报复线索 1 件" in text
    assert "测评对象不满意情况" not in text  # page two


@admin_urls
def test_the_report_page_draws_the_pdfs_charts_as_inline_svg(client, month_seeded, make_user):
    """Issue 22: the HTML report has the PDF's two charts (monthly trend, units), drawn by the
    server as SVG, with no script; the figures in them are the table's figures."""
    report = month_seeded["report"]
    client.force_login(make_user(roles.LEADER))
    html = client.get(f"/admin/evaluation/reports/{report.month:%Y-%m}/").content.decode()
    trend = html.split('data-chart="trend"', 1)[1].split("</svg>", 1)[0]
    units = html.split('data-chart="units"', 1)[1].split("</svg>", 1)[0]
    assert "73.5" in trend and "<rect" in trend and "纵轴自" in trend
    assert re.search(r"纵轴自 \d+% 起", trend) and re.search(r"横轴自 \d+% 起", units)
    assert "县发展和改革委员会" in units and "%" in units and "<rect" in units
    assert "<script" not in html.split('data-chart="trend"', 1)[1].split("</figure>", 1)[0]


@pytest.mark.django_db(databases=[])
def test_every_chart_caption_goes_through_gettext():
    """The SVG charts sit on a staff screen that has an English mode: a Chinese text written
    straight into the drawing (an f-string part, a literal) would stay Chinese there."""
    tree = ast.parse(Path(report_svg.__file__).read_text(encoding="utf-8"))
    wrapped = {
        id(arg)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"_", "gettext"}
        for arg in node.args
    }
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef) and ast.get_docstring(node)
    }
    raw = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.search("[\u4e00-\u9fff]", node.value)
        and id(node) not in wrapped | docstrings
    ]
    assert raw == []
