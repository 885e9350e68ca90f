"""Post/Redirect/Get for the receipt (issue 21): the code once, a reload without it, the time
as people read it, and a copied or forged cookie shows no code."""

import re

import pytest
from django.test import override_settings
from django.utils import translation

from complaints.models import Case
from complaints.receipt_page import COOKIE

pytestmark = pytest.mark.django_db


def _form(cat, **extra):
    return {
        "anonymous": "1",
        "subject_kind": "general",
        "category": cat.pk,
        "text": "窗口工作人员态度恶劣。",
        "captcha_0": "x",
        "captcha_1": "PASSED",
        **extra,
    }


def test_the_post_redirects_and_a_reload_shows_the_receipt_without_the_code(client, category):
    response = client.post("/complaints/new/", _form(category))
    assert response.status_code == 302 and response["Location"] == "/complaints/receipt/"
    assert COOKIE in response.cookies and response.cookies[COOKIE]["httponly"]
    assert response.cookies[COOKIE]["path"] == "/complaints/receipt/"
    assert "sessionid" not in response.cookies  # complainants still get no session
    case = Case.objects.get()
    first = client.get("/complaints/receipt/")
    html = first.content.decode()
    code = first.context["receipt"].code
    assert re.fullmatch(r"\d{16}", code)
    assert case.number in html and code[:4] + " " + code[4:8] in html
    again = client.get("/complaints/receipt/")
    html = again.content.decode()
    assert case.number in html and "data-receipt-code" not in html
    assert code[:4] + " " + code[4:8] not in html
    assert "已在首次打开本页时显示过一次" in html


def test_a_copy_of_the_first_cookie_shows_no_code_a_second_time(client, category):
    response = client.post("/complaints/new/", _form(category))
    stolen = response.cookies[COOKIE].value
    assert "data-receipt-code" in client.get("/complaints/receipt/").content.decode()
    thief = client.__class__()
    thief.cookies[COOKIE] = stolen
    html = thief.get("/complaints/receipt/").content.decode()
    assert "data-receipt-code" not in html


def test_no_or_a_forged_cookie_goes_to_the_tracking_form(client):
    assert client.get("/complaints/receipt/")["Location"] == "/complaints/track/"
    client.cookies[COOKIE] = "gAAAAAforged"
    assert client.get("/complaints/receipt/")["Location"] == "/complaints/track/"


def test_the_cookie_does_not_carry_the_code_in_the_clear(client, category):
    response = client.post("/complaints/new/", _form(category))
    raw = response.cookies[COOKIE].value
    code = client.get("/complaints/receipt/").context["receipt"].code
    assert code not in raw and Case.objects.get().number not in raw


@pytest.mark.parametrize(
    "lang,pattern",
    [
        ("zh-hans", r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}"),
        ("en", r"\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}"),
    ],
)
def test_the_time_is_shown_in_local_format_not_iso(client, category, lang, pattern):
    client.post("/complaints/new/", _form(category))
    with translation.override(lang):
        client.cookies["django_language"] = lang
        html = client.get("/complaints/receipt/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    shown = re.search(r"<time data-receipt-time datetime=\"([^\"]+)\">([^<]+)</time>", html)
    assert shown, html
    assert "T" in shown.group(1)  # the machine-readable, signed time stays ISO
    assert re.fullmatch(pattern, shown.group(2)), shown.group(2)


@override_settings(CAPTCHA_TEST_MODE=True)
def test_the_tracking_page_shows_what_the_complaint_said(client, category):
    client.post("/complaints/new/", _form(category, text="路灯坏了三个月没人修。"))
    code = client.get("/complaints/receipt/").context["receipt"].code
    number = Case.objects.get().number
    tracked = client.post("/complaints/track/", {"number": number, "code": code})
    html = client.get(tracked["Location"]).content.decode()
    assert "路灯坏了三个月没人修。" in html
