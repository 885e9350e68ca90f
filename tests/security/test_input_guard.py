"""A NUL byte anywhere in the request's parameters is refused with a 400 at the edge
(portal/core/input_guard.py), in the Open311 error format under /open311/, on every database."""

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints.models import Case
from portal.core.input_guard import MSG_INVALID
from portal.core.text import strip_control_chars

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    cache.clear()
    return Client(REMOTE_ADDR="198.51.100.77")


@pytest.mark.parametrize(
    "url",
    [
        "/officials/?q=%00",
        "/results/?category=%00",
        "/complaints/officials.json?q=a%00b",
        "/search/?q%00=x",
        "/officials/?unit=1&q=ok&q=%00",
    ],
)
def test_nul_in_a_query_value_or_key_is_a_bilingual_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert str(MSG_INVALID) in response.content.decode()
    assert "非法字符" in str(MSG_INVALID)


def test_nul_in_a_complaint_form_value_is_refused_and_nothing_is_stored(client, category):
    response = client.post(
        "/complaints/new/",
        {
            "anonymous": "1",
            "subject_kind": "general",
            "category": str(category.pk),
            "text": "窗口\x00推诿",
            "captcha_0": "x",
            "captcha_1": "PASSED",
        },
    )
    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_nul_in_an_uploaded_file_name_is_refused(client, category):
    upload = SimpleUploadedFile("photo\x00.php", b"\xff\xd8\xff", content_type="image/jpeg")
    response = client.post(
        "/complaints/new/",
        {
            "anonymous": "1",
            "subject_kind": "general",
            "category": str(category.pk),
            "text": "窗口推诿",
            "attachments": upload,
        },
    )
    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_open311_gets_the_open311_error_format_in_json_and_xml(client):
    response = client.get("/open311/v2/requests.json?service_request_id=%00")
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": MSG_INVALID}]
    response = client.post("/open311/v2/requests.xml", {"description": "a\x00b"})
    assert response.status_code == 400
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    assert root.find("error/code").text == "400"
    assert root.find("error/description").text == MSG_INVALID


def test_ordinary_requests_pass_through(client):
    assert client.get("/complaints/officials.json?q=%E5%BC%A0").status_code == 200
    assert client.get("/results/?q=tab%09and%0Anewline").status_code == 200


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("", ""),
        ("路灯\x0b不亮", "路灯不亮"),
        ("a\x00\x01\x08b", "ab"),
        ("keep\ttab\nnewline\r", "keep\ttab\nnewline\r"),
        ("\x0c\x0e\x1f", ""),
        ("\x7f é 𠀀", "\x7f é 𠀀"),
    ],
)
def test_strip_control_chars_drops_only_what_xml_forbids(raw, clean):
    assert strip_control_chars(raw) == clean
