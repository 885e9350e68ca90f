"""The rating form guides (issue 21): required marks, errors at the top of the form with links,
the thank-you in view after the redirect, "already rated" before any captcha, and with phone
verification the mobile field visible in anonymous mode."""

import re

import pytest
from captcha.models import CaptchaStore
from django.test import override_settings

from portal.core import sms
from portal.evaluation.models import Rating

from .conftest import GOOD

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.evaluation.urls")]


def post(client, official, data, **extra):
    return client.post(f"/rate/{official.pk}/", data, **extra)


def _label(html, field_id):
    m = re.search(rf'<label for="{field_id}">(.*?)</label>', html, re.S)
    assert m, field_id
    return m.group(1)


def test_the_three_sub_scores_and_the_level_are_marked_required(client, official):
    html = client.get(official.url).content.decode()
    for name in ("attitude", "efficiency", "style"):
        assert 'class="req"' in _label(html, f"id_{name}")
    assert re.search(r"<legend>总体评价 <span class=\"req\"", html)
    assert "带 * 的为必填项" in html


def test_errors_come_in_a_summary_at_the_top_of_the_form_linking_to_the_fields(client, official):
    response = post(client, official, {**GOOD, "attitude": "", "style": ""})
    assert response.status_code == 400
    html = response.content.decode()
    form = html[html.index('id="rating-form"') :]
    summary = form.index('id="rating-errors"')
    assert summary < form.index('name="level"')  # above the first field
    assert 'href="#id_attitude"' in form and 'href="#id_style"' in form
    assert 'href="#id_efficiency"' not in form
    # the POST goes to #rating-form, so the page that comes back opens at the form's top
    assert f'action="/rate/{official.pk}/#rating-form"' in html


def test_the_thank_you_redirect_lands_on_the_message(client, official):
    response = post(client, official, GOOD)
    assert response.status_code == 302 and response["Location"].endswith("#messages")
    html = client.get(response["Location"].split("#")[0]).content.decode()
    assert re.search(r'<div role="status" id="messages"[^>]*>\s*<ul class="messages">', html)
    assert "感谢您的评价" in html


def test_already_rated_is_said_before_a_captcha_is_spent(client, official):
    assert post(client, official, GOOD).status_code == 302
    challenge = CaptchaStore.objects.create(challenge="ABCD", response="abcd")
    response = post(
        client, official, {**GOOD, "captcha_0": challenge.hashkey, "captcha_1": "wrong"}
    )
    html = response.content.decode()
    assert "本月您已评价过该测评对象" in html
    assert "验证码错误" not in html
    # the person's challenge is not used up by the refusal
    assert CaptchaStore.objects.filter(hashkey=challenge.hashkey).exists()
    assert Rating.objects.count() == 1


@override_settings(PHONE_VERIFICATION=True)
def test_with_phone_verification_a_verified_phone_hears_already_rated_before_the_captcha(
    client, official
):
    from portal.evaluation import services

    services.phone_code_send(phone="13800138000")
    code = sms.outbox[-1]["text"].split("验证码是")[1][:6]
    assert (
        post(client, official, {**GOOD, "phone": "13800138000", "phone_code": code}).status_code
        == 302
    )
    services.phone_code_send(phone="13800138000")
    code = sms.outbox[-1]["text"].split("验证码是")[1][:6]
    other = client.__class__()
    data = {**GOOD, "phone": "13800138000", "phone_code": code, "captcha_1": "wrong"}
    html = post(other, official, data).content.decode()
    assert "本月您已评价过该测评对象" in html and "验证码错误" not in html


@override_settings(PHONE_VERIFICATION=True)
def test_someone_without_the_code_learns_nothing_about_a_phone_before_the_captcha(client, official):
    """The attack: type a stranger's phone and a guessed code to learn, without a captcha,
    whether that phone rated this official. A wrong code is refused as a wrong code (and
    counted towards burning it), whatever the phone did."""
    from portal.evaluation import services

    services.phone_code_send(phone="13800138000")
    code = sms.outbox[-1]["text"].split("验证码是")[1][:6]
    post(client, official, {**GOOD, "phone": "13800138000", "phone_code": code})
    services.phone_code_send(phone="13800138000")
    wrong = "000000" if code != "000000" else "111111"
    data = {**GOOD, "phone": "13800138000", "phone_code": wrong, "captcha_1": "wrong"}
    html = post(client.__class__(), official, data).content.decode()
    assert "本月您已评价过" not in html
    assert "短信验证码错误或已过期" in html


@override_settings(PHONE_VERIFICATION=True)
def test_with_phone_verification_the_mobile_field_is_outside_the_named_only_fields(
    client, official
):
    html = client.get(official.url).content.decode()
    named = re.search(
        r"<div class=\"named-fields\" data-named-fields>(.*?)</div>\s*</div>", html, re.S
    )
    start = html.index("data-named-fields>")
    end = html.index("data-phone-always")
    assert 'name="phone"' not in html[start:end]  # hidden in anonymous mode is only the name
    assert 'name="phone"' in html[end:]
    assert named is not None
