"""Hostile input, property-based: XSS payloads come back escaped, SQL-like strings are stored
verbatim, huge and malformed Unicode is refused politely, disguised files are refused, and
spreadsheet formulas are neutralised in exports. Whatever comes in: never a 500.

Examples are bounded (hypothesis max_examples ~25, no deadline) to keep the suite fast. The
assignment-document PDF is text-extracted with pypdfium2 (a dev dependency): hostile text is
printed literally.
"""

import csv
import io
import itertools
import re
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints.models import Case

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(2)</script>",
    "{{ 7*7 }}{% debug %}",
]
SQL = [
    "'; DROP TABLE complaints_case; --",
    "1' OR '1'='1",
    '" OR ""="',
    "%' UNION SELECT password FROM accounts_user --",
    "\\'; SELECT pg_sleep(5); --",
]
FORMULA = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]
ODD = ["\u202etxt.exe", "𠀀𠀁𠀂", "\u200b\ufeff", "e\u0301", "٩(◕‿◕｡)۶", "\t\r\n "]
HOSTILE = XSS + SQL + FORMULA + ODD
SCRIPT_MARKERS = ("<script>alert", "<img src=x onerror", "<svg/onload")

_ip = itertools.count(1)

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.builds(lambda a, b: f"{a}窗口{b}", st.sampled_from(HOSTILE), st.text(max_size=60)),
    st.text(min_size=1, max_size=200),
)
fast = settings(
    max_examples=25,
    deadline=None,
    database=None,  # no replay store in the working tree; every run draws afresh
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fresh_client():
    """A new visitor from a new address, with an empty rate-limit store."""
    cache.clear()
    n = next(_ip)
    return Client(REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")


def assert_no_raw_script(html: str):
    for marker in SCRIPT_MARKERS:
        assert marker not in html, f"unescaped {marker!r} in the page"


def complaint_data(category, **over):
    data = {
        "anonymous": "1",
        "subject_kind": "general",
        "category": str(category.pk),
        "title": "",
        "text": "窗口工作人员推诿扯皮。",
        "captcha_0": "x",
        "captcha_1": "PASSED",
    }
    data.update(over)
    return data


# --- complaint form ------------------------------------------------------------------------


@fast
@given(text=hostile_text, title=hostile_text)
def test_complaint_form_never_500_and_keeps_text_verbatim_and_escaped(category, text, title):
    client = fresh_client()
    before = Case.objects.count()
    response = client.post("/complaints/new/", complaint_data(category, text=text, title=title))
    assert response.status_code in (302, 400), response.status_code
    html = response.content.decode()
    assert_no_raw_script(html)
    if response.status_code == 302:
        case = Case.objects.order_by("-pk").first()
        assert Case.objects.count() == before + 1
        assert case.text == text.strip()  # stored verbatim: nothing interpreted, nothing lost
        from complaints.services import track_token_make

        page = client.get(f"/complaints/track/{track_token_make(case=case)}/", follow=True)
        assert page.status_code == 200
        assert_no_raw_script(page.content.decode())
    else:
        assert Case.objects.count() == before


@pytest.mark.parametrize(
    "raw",
    [
        b"text=%ED%A0%80&title=x",  # an encoded lone surrogate (invalid UTF-8)
        b"text=%FF%FE%00%00",  # not UTF-8 at all
        b"text=abc%00def",  # NUL byte
        b"text=" + b"A" * 100_000,  # 100k characters
        b"text=" + "投".encode() * 40_000,
        b"%%%%=%%&&&==",
    ],
)
def test_complaint_form_refuses_malformed_bodies_without_500(category, raw):
    client = fresh_client()
    body = raw + f"&category={category.pk}&anonymous=1&subject_kind=general".encode()
    body += b"&captcha_0=x&captcha_1=PASSED"
    response = client.post(
        "/complaints/new/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        case = Case.objects.order_by("-pk").first()
        assert "\x00" not in case.text


@pytest.mark.parametrize(
    "name,content,ctype",
    [
        ("shell.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg"),
        ("page.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        ("doc.pdf", b"%PDF-1.4\n" + b"PK\x03\x04" + b"\x00" * 60, "application/pdf"),
        ("archive.pdf", b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 60, "application/pdf"),
        ("image.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "image/png"),
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"),
    ],
)
def test_disguised_files_are_refused_with_a_form_error(category, name, content, ctype):
    client = fresh_client()
    before = Case.objects.count()
    data = complaint_data(category)
    data["attachments"] = SimpleUploadedFile(name, content, content_type=ctype)
    response = client.post("/complaints/new/", data)
    if response.status_code == 302:
        # accepted only as a real, re-encoded document: never the bytes we sent
        case = Case.objects.order_by("-pk").first()
        for att in case.attachments.all():
            with att.file.open("rb") as fh:
                stored = fh.read()
            assert b"<?php" not in stored and b"<script" not in stored
            assert att.content_type in ("image/jpeg", "image/png", "application/pdf")
    else:
        assert response.status_code == 400
        assert Case.objects.count() == before


# --- rating form ---------------------------------------------------------------------------


RATING = {
    "level": "2",
    "attitude": "1",
    "efficiency": "2",
    "style": "1",
    "mode": "anonymous",
    "captcha_0": "x",
    "captcha_1": "PASSED",
}


@fast
@given(reason=hostile_text, name=st.sampled_from(["", *XSS[:2]]))
def test_rating_form_never_500_and_the_reason_is_escaped_for_the_office(world, reason, name):
    from portal.evaluation.models import Rating

    official = world["official_a"]
    client = fresh_client()
    before = Rating.objects.count()
    data = {**RATING, "reason": reason}
    if name:
        data.update(mode="named", name=name, phone="13800138000")
    response = client.post(f"/rate/{official.pk}/", data)
    assert response.status_code in (302, 400), response.status_code
    assert_no_raw_script(response.content.decode())
    if response.status_code == 302:
        rating = Rating.objects.order_by("-pk").first()
        assert Rating.objects.count() == before + 1
        assert rating.reason == reason.strip()
        office = Client()
        office.force_login(world["users"]["office"])
        for url in (f"/admin/evaluation/ratings/{rating.pk}/", "/admin/evaluation/office/"):
            page = office.get(url)
            assert page.status_code == 200
            assert_no_raw_script(page.content.decode())
        profile = client.get(official.url)
        assert profile.status_code == 200
        assert_no_raw_script(profile.content.decode())


# --- tracking form -------------------------------------------------------------------------


@fast
@given(number=hostile_text, code=hostile_text)
def test_tracking_form_never_500_and_never_opens_a_case(world, number, code):
    client = fresh_client()
    response = client.post("/complaints/track/", {"number": number, "code": code})
    assert response.status_code in (400, 423, 429), response.status_code
    assert_no_raw_script(response.content.decode())


# --- query strings -------------------------------------------------------------------------

QUERY_URLS = [
    "/officials/?q={}",
    "/search/?q={}",
    "/search/?q=窗口&page={}",
    "/results/?q={}",
    "/results/?category={}&page={}",
    "/complaints/officials.json?q={}",
    "/open311/v2/requests.json?start_date={}&status={}",
    "/open311/v2/requests.json?service_request_id={}",
    "/open311/v2/requests/{}.json",
    "/stats/?year={}",
    "/stats/export.csv?year={}",
]


@fast
@given(
    value=st.one_of(
        hostile_text.filter(lambda v: "\x00" not in v),
        st.sampled_from(["%ED%A0%80", "%FF", "9" * 40, "-1", "0", "1e309", "Ｑ" * 300]),
    )
)
def test_query_strings_never_500_and_are_escaped(world, value):
    from urllib.parse import quote

    client = fresh_client()
    encoded = value if value in ("%ED%A0%80", "%FF") else quote(value, safe="")
    for template in QUERY_URLS:
        url = template.replace("{}", encoded)
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if response.get("Content-Type", "").startswith("text/html"):
            assert_no_raw_script(response.content.decode())


@pytest.mark.parametrize(
    "url",
    [
        "/officials/?q=%00",
        "/results/?category=%00",
        "/complaints/officials.json?q=%00",
        "/open311/v2/requests.json?service_request_id=%00",
        "/search/?q=%00",
        "/results/?q=%00",
        "/open311/v2/requests.json?status=%00",
    ],
)
def test_a_nul_byte_in_a_query_string_is_not_a_500(world, url):
    """PostgreSQL refuses NUL in text: a %00 reaching a query gave DataError, a 500, on the
    first four URLs (the officials name filter, the results facet filters, the officials
    autocomplete, the Open311 request-id lookup). portal/core/input_guard.py now refuses NUL in
    any GET/POST value at the edge with a 400, for every view."""
    assert fresh_client().get(url).status_code < 500


@pytest.mark.parametrize(
    "value",
    [
        "99999999999999999999",
        "%C2%B2",  # were 500s, now ignored
        "abc",
        "-1",
        "0",
        "%00",
        "%3Cscript%3E",
    ],
)
def test_roster_unit_filter_never_500(world, value):
    """The roster's unit filter once took any str.isdigit() value as a unit id: a number
    beyond the integer column (OverflowError on SQLite, DataError on PostgreSQL) or a Unicode
    digit such as '²' (ValueError) reached the query and gave a 500. It now takes ASCII digits
    within range only and ignores anything else."""
    response = fresh_client().get(f"/officials/?unit={value}")
    # NUL is refused for every view at the edge (portal/core/input_guard.py)
    assert response.status_code == (400 if value == "%00" else 200)


# --- Open311 POST --------------------------------------------------------------------------


@pytest.fixture
def api_key(db):
    from complaints.open311.clients import open311_client_create

    return open311_client_create(name="hostile-test")[1]


@fast
@given(
    description=hostile_text.filter(lambda v: "\x00" not in v),  # NUL: explicit test below
    address=hostile_text.filter(lambda v: "\x00" not in v),
    lat=st.one_of(
        st.sampled_from(["27.2", "NaN", "Infinity", "1e999", "-91", "", "０"]), st.text(max_size=12)
    ),
    first=st.sampled_from(["", *XSS[:2], *SQL[:2]]),
)
def test_open311_post_never_500_and_stores_verbatim(
    world, api_key, description, address, lat, first
):
    client = fresh_client()
    data = {
        "api_key": api_key,
        "service_code": world["case"].category.code,
        "description": description,
        "address_string": address,
        "first_name": first,
        "email": "a@example.org",
    }
    if lat:
        data.update(lat=lat, long="116.5")
    before = Case.objects.count()
    response = client.post("/open311/v2/requests.json", data)
    assert response.status_code in (201, 400), (response.status_code, response.content[:200])
    body = response.json()
    if response.status_code == 201:
        number = body[0]["service_request_id"]
        case = Case.objects.get(number=number)
        assert case.text == description.strip()
        assert Case.objects.count() == before + 1
        xml = client.get(f"/open311/v2/requests/{number}.xml")
        assert xml.status_code in (200, 404)
        if xml.status_code == 200 and not XML_INVALID.search(description + address):
            ET.fromstring(xml.content)  # well-formed (control characters: see the xfail below)
    else:
        assert "description" in body[0] and "code" in body[0]


XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def test_open311_xml_stays_well_formed_with_control_characters(world, api_key):
    """Characters XML 1.0 forbids (U+0001-U+001F except tab, newline, CR) in a description or
    address once went into /open311/v2/requests/<id>.xml unchanged, so the answer was not
    well-formed; the XML writer now drops them."""
    client = fresh_client()
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": api_key,
            "service_code": world["case"].category.code,
            "description": "路灯\x0b不亮",
            "address_string": "人民路\x1f1号",
        },
    )
    assert response.status_code == 201
    number = response.json()[0]["service_request_id"]
    ET.fromstring(client.get(f"/open311/v2/requests/{number}.xml").content)


@pytest.mark.parametrize(
    "raw",
    [
        b"description=abc%00def&address_string=x",
        b"description=%ED%A0%80&address_string=x",
        b"description=" + b"x" * 100_000 + b"&address_string=x",
    ],
)
def test_open311_post_refuses_nul_and_broken_unicode_without_500(world, api_key, raw):
    client = fresh_client()
    body = raw + f"&service_code={world['case'].category.code}&api_key={api_key}".encode()
    response = client.post(
        "/open311/v2/requests.json", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (201, 400), response.status_code


# --- what is shown elsewhere: feeds, exports, back office ----------------------------------


def test_published_text_with_payloads_is_escaped_in_pages_feeds_and_pdf(world, make_unit):
    from tests.complaints.publication.factories import case_closed, publish

    office = world["users"]["office"]
    unit = make_unit(name='=HYPERLINK("http://evil.example")<script>alert(1)</script>')
    case = case_closed(
        unit=unit,
        text="<script>alert(1)</script> '; DROP TABLE x; --",
        actor=office,
        answer='<img src=x onerror=alert(1)> =cmd|"/C calc"!A0',
    )
    publish(case, actor=office)
    client = Client()
    for url in (
        "/results/",
        f"/results/{case.published_outcome.pk}/",
        "/results/?q=DROP",
        "/stats/",
        "/transparency/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_raw_script(response.content.decode())
    for url in ("/results/feed/", "/results/feed/atom/"):
        response = client.get(url)
        assert response.status_code == 200
        root = ET.fromstring(response.content)  # well-formed XML
        for el in root.iter():
            assert el.tag.split("}")[-1] not in ("script", "img", "svg"), url
    staff = Client()
    staff.force_login(office)
    for url in (f"/admin/cases/{case.pk}/", "/admin/cases/", f"/office/results/{case.pk}/"):
        response = staff.get(url)
        assert response.status_code == 200, url
        assert_no_raw_script(response.content.decode())
    doc = case.documents.first()
    if doc is not None:
        pdf = staff.get(f"/office/documents/{doc.pk}.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        # the complaint text is printed as literal characters (a PDF runs no markup)
        import pypdfium2

        text = "".join(
            page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf.content)
        )
        flat = re.sub(r"\s+", "", text)  # lines are wrapped
        assert "<script>alert(1)</script>';DROPTABLEx;--" in flat


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def test_csv_and_xlsx_exports_neutralise_formula_cells(world, make_unit):
    from tests.complaints.publication.factories import case_closed

    for i, payload in enumerate(FORMULA):
        unit = make_unit(name=f"{payload}单位{i}")
        case_closed(unit=unit, text=f"测试公式{i}", actor=world["users"]["office"])
    client = Client()
    response = client.get("/stats/export.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert any("单位" in c for c in cells), "the hostile unit names should be in the export"
    for cell in cells:
        if cell and not _is_number(cell):
            assert not cell.startswith(FORMULA_START), f"formula cell in CSV: {cell!r}"
    response = client.get("/stats/export.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str) and value and not _is_number(value):
                    assert not value.startswith(FORMULA_START), f"formula cell in XLSX: {value!r}"
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula cell in XLSX: {cell.value!r}"


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def test_a_control_character_in_a_complaint_does_not_break_the_results_feeds(world):
    """A complaint form accepts U+000B (only NUL is refused by Django's CharField); once the
    outcome is published the feeds must still render. They once gave a 500: Django's feed
    generator raises UnserializableContentError for XML 1.0 control characters (U+0001-U+001F
    except tab, newline, CR) in an item's title or description; they are now stripped."""
    from tests.complaints.publication.factories import case_closed, publish

    client = fresh_client()
    response = client.post(
        "/complaints/new/",
        complaint_data(world["case"].category, text="窗口\x0b排队两个小时", title="排队\x1f"),
    )
    assert response.status_code in (302, 400)
    office = world["users"]["office"]
    case = case_closed(
        unit=world["unit_a"], text="窗口\x0b排队两个小时", actor=office, answer="已整改\x1f完毕"
    )
    publish(case, actor=office)
    for url in (
        "/results/feed/",
        "/results/feed/atom/",
        "/results/",
        f"/results/{case.published_outcome.pk}/",
    ):
        assert client.get(url).status_code == 200, url
