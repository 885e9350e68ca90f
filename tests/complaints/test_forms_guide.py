"""The complaint and tracking forms guide (issue 21): * on required fields, the errors in a
summary at the top linking to each field, and the POST answered at the form's anchor."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_complaint_form_marks_required_fields(client, category):
    html = client.get("/complaints/new/").content.decode()
    for field_id in ("id_text", "id_category", "id_captcha_1", "id_contact_name"):
        label = re.search(rf'<label for="{field_id}">(.*?)</label>', html, re.S)
        assert label and 'class="req"' in label.group(1), field_id
    title = re.search(r'<label for="id_title">(.*?)</label>', html, re.S).group(1)
    assert 'class="req"' not in title  # optional
    assert 'action="/complaints/new/#complaint-form"' in html


def test_complaint_errors_are_summarised_at_the_top_with_links(client, category):
    response = client.post(
        "/complaints/new/",
        {"anonymous": "0", "subject_kind": "general", "captcha_0": "x", "captcha_1": "PASSED"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    form = html[html.index('id="complaint-form"') :]
    assert form.index('id="form-errors"') < form.index('name="anonymous"')
    for field_id in ("id_category", "id_text", "id_contact_name", "id_contact_phone"):
        assert f'href="#{field_id}"' in form, field_id


def test_tracking_form_errors_are_summarised_at_the_top(client):
    response = client.post("/complaints/track/", {"number": "", "code": ""})
    html = response.content.decode()
    assert 'action="/complaints/track/#track-form"' in html
    form = html[html.index('id="track-form"') :]
    assert form.index('id="form-errors"') < form.index('name="number"')
    assert 'href="#id_number"' in form and 'href="#id_code"' in form
