import pytest
from django.core import mail
from django.core.cache import cache

from complaints.choices import ActorKind, CaseState, MessageAuthor
from complaints.models import Case
from complaints.services import message_post
from complaints.services.workflow import (
    case_accept,
    case_answer,
    case_approve,
    case_assign,
    case_reject,
    case_sign,
)

pytestmark = pytest.mark.django_db


def _open(client, number, code):
    return client.post("/complaints/track/", {"number": number, "code": code})


def test_number_and_code_open_the_timeline(client, make_case):
    case, receipt = make_case()
    response = _open(client, case.number, receipt.code_display)  # spaces are fine
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert case.number in html and "提交投诉" in html and "待受理" in html


def test_wrong_code_is_refused_with_a_message(client, make_case):
    case, _ = make_case()
    response = _open(client, case.number, "1234567812345678")
    assert response.status_code == 400
    assert "受理编号或查询码错误" in response.content.decode()


def test_unknown_number_gets_the_same_answer_as_a_wrong_code(client, make_case):
    response = _open(client, "TS20260101-9999", "1234567812345678")
    assert response.status_code == 400
    assert "受理编号或查询码错误" in response.content.decode()


def test_client_locks_after_repeated_failures_even_for_the_right_code(client, make_case, settings):
    settings.TRACK_MAX_FAILURES = 3
    case, receipt = make_case()
    for _ in range(3):
        _open(client, case.number, "0000000000000000")
    locked = _open(client, case.number, receipt.code)
    assert locked.status_code == 423
    assert "您的查询失败次数过多" in locked.content.decode()
    cache.clear()  # the counter's window ends (it lives only in the cache)
    assert _open(client, case.number, receipt.code).status_code == 302


def test_track_link_expires_and_dies_when_the_code_is_replaced(client, make_case):
    case, receipt = make_case()
    url = _open(client, case.number, receipt.code)["Location"]
    assert client.get(url).status_code == 200
    assert client.get("/complaints/track/not-a-token/").status_code == 404
    Case.objects.filter(pk=case.pk).update(receipt_hash="!changed" + "x" * 30)
    # the token-free case page sends a dead token back to the number-and-code form
    dead = client.get(url)
    assert dead.status_code == 302 and dead["Location"] == "/complaints/track/"


def test_two_way_thread_between_complainant_and_office(client, make_case, office_user):
    case, receipt = make_case()
    url = _open(client, case.number, receipt.code)["Location"]
    assert client.post(url + "message/", {"text": "补充：经办人姓王。"}).status_code == 302
    message_post(
        case=case, author_kind=MessageAuthor.OFFICE, author=office_user, text="已收到，正在核实。"
    )
    html = client.get(url).content.decode()
    assert "补充：经办人姓王。" in html and "已收到，正在核实。" in html
    empty = client.post(url + "message/", {"text": ""})
    assert empty.status_code == 400 and "请填写留言内容" in empty.content.decode()


def _to_callback(case, office_user, make_user, unit):
    from portal.accounts import roles

    dept = make_user(roles.DEPARTMENT, unit=unit)
    case = case_accept(case=case, actor=office_user)
    case = case_assign(case=case, actor=office_user, department=unit)
    case = case_sign(case=case, actor=dept)
    case = case_answer(
        case=case,
        actor=dept,
        answer="已批评教育经办人，并当场办结。",
        finding="true",
        measures="窗口增设引导员",
    )
    return case_approve(case=case, actor=office_user), dept


def test_published_answer_and_satisfied_callback(client, make_case, office_user, make_user, unit):
    case, receipt = make_case()
    case, _ = _to_callback(case, office_user, make_user, unit)
    url = _open(client, case.number, receipt.code)["Location"]
    html = client.get(url).content.decode()
    assert "已批评教育经办人" in html and "回访评价" in html
    assert client.post(url + "callback/", {"result": "satisfied"}).status_code == 302
    case.refresh_from_db()
    assert case.callback_result == "satisfied" and case.state == CaseState.CALLBACK
    again = client.post(url + "callback/", {"result": "not_satisfied"})
    assert again.status_code == 400
    case.refresh_from_db()
    assert case.callback_result == "satisfied"  # cannot be changed afterwards


def test_not_satisfied_reopens_the_case_once(client, make_case, office_user, make_user, unit):
    case, receipt = make_case()
    case, dept = _to_callback(case, office_user, make_user, unit)
    url = _open(client, case.number, receipt.code)["Location"]
    client.post(url + "callback/", {"result": "not_satisfied", "comment": "问题没有解决"})
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS and case.reopen_count == 1
    case = case_answer(case=case, actor=dept, answer="再次核查并整改。", finding="partly")
    case = case_approve(case=case, actor=office_user)
    client.post(url + "callback/", {"result": "not_satisfied"})
    case.refresh_from_db()
    # the second 'not satisfied' stays with the office to decide; no second automatic reopen
    assert case.state == CaseState.CALLBACK and case.callback_result == "not_satisfied"


def test_named_complainant_recovers_access_through_their_contact(
    client, category, django_capture_on_commit_callbacks
):
    from complaints.services import case_submit

    case, old = case_submit(
        category=category,
        text="实名反映",
        anonymous=False,
        contact_name="王芳",
        contact_email="wangfang@example.com",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/complaints/recover/",
            {
                "number": case.number,
                "contact": "WangFang@example.com",
                "captcha_0": "x",
                "captcha_1": "PASSED",
            },
        )
    assert response.status_code == 200
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wangfang@example.com"]
    link = next(w for w in mail.outbox[0].body.split() if "/complaints/recover/" in w)
    path = link[link.index("/complaints/recover/") :]
    assert client.get(path).status_code == 200  # a scanner's GET does not burn the link
    issued = client.post(path)
    new_code = client.get(issued["Location"]).context["receipt"].code
    assert new_code != old.code
    assert _open(client, case.number, new_code).status_code == 302
    assert _open(client, case.number, old.code).status_code == 400
    assert client.post(path).status_code == 400  # one-time link


def test_recovery_with_a_wrong_contact_sends_nothing_and_says_the_same(
    client, category, django_capture_on_commit_callbacks
):
    from complaints.services import case_submit

    case, _ = case_submit(
        category=category,
        text="实名反映",
        anonymous=False,
        contact_name="王芳",
        contact_phone="13900001111",
    )
    mail.outbox.clear()
    from portal.core import sms

    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        wrong = client.post(
            "/complaints/recover/",
            {
                "number": case.number,
                "contact": "13900002222",
                "captcha_0": "x",
                "captcha_1": "PASSED",
            },
        )
        right = client.post(
            "/complaints/recover/",
            {
                "number": case.number,
                "contact": "139-0000-1111",
                "captcha_0": "x",
                "captcha_1": "PASSED",
            },
        )
    same = "如果受理编号和联系方式与实名投诉相符"
    assert wrong.status_code == right.status_code == 200
    assert same in wrong.content.decode() and same in right.content.decode()
    assert len(sms.outbox) == 1 and sms.outbox[0]["phone"] == "13900001111"


def test_anonymous_opt_in_email_gets_update_notices_without_content(
    make_case, office_user, django_capture_on_commit_callbacks
):
    case, _ = make_case(notify_email="anon-notice@example.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_reject(
            case=case,
            actor=office_user,
            reason="不属于效能投诉受理范围，请向法院起诉。",
        )
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["anon-notice@example.com"]
    assert "新进展" in body and "法院" not in body and "不予受理" not in body


def test_rejected_complaint_shows_the_reason_to_the_complainant(client, make_case, office_user):
    case, receipt = make_case()
    case_reject(case=case, actor=office_user, reason="已进入诉讼程序，不予受理。")
    url = _open(client, case.number, receipt.code)["Location"]
    html = client.get(url).content.decode()
    assert "不予受理" in html and "已进入诉讼程序" in html


def test_complainant_actor_kind_cannot_take_office_actions(make_case):
    from django.core.exceptions import PermissionDenied

    case, _ = make_case()
    with pytest.raises(PermissionDenied):
        case_accept(case=case, actor_kind=ActorKind.COMPLAINANT)
