"""Issue 20: a refused transfer goes back to where it was; merging only into a live main case,
which lists its duplicates, and the merged complainant follows the main case's answer."""

import pytest
from django.core.exceptions import ValidationError

from complaints.choices import CaseState, HandlingAction, HandlingTier
from complaints.services.workflow import (
    case_accept,
    case_answer,
    case_approve,
    case_assign,
    case_close,
    case_merge,
    case_reject,
    case_sign,
    case_start,
    case_transfer_request,
)
from portal.accounts import roles
from portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept_a(make_unit):
    return make_unit(name="县市场监督管理局")


@pytest.fixture
def dept_b(make_unit):
    return make_unit(name="县自然资源局")


@pytest.fixture
def handler_a(make_user, dept_a):
    return make_user(roles.DEPARTMENT, unit=dept_a)


@pytest.fixture
def office(client, office_user):
    client.force_login(office_user)
    return client


def _closed(case, office_user, **close):
    """A case the office kept and answered itself, through to 办结."""
    case = case_accept(case=case, actor=office_user)
    case = case_answer(case=case, actor=office_user, answer="已督促整改到位。", finding="true")
    case = case_approve(case=case, actor=office_user)
    return case_close(
        case=case,
        actor=office_user,
        **{
            "solved": True,
            "handling_tier": HandlingTier.GENERAL,
            "handling_action": HandlingAction.NONE,
            **close,
        },
    )


def _act(client, case, **data):
    action = data.pop("action")
    return client.post(f"/admin/cases/{case.pk}/{action}/", data, follow=True)


@pytest.mark.parametrize("signed", [False, True], ids=["assigned", "signed"])
def test_refusing_a_transfer_restores_the_state_before_it_and_clears_the_proposal(
    signed, office, make_case, office_user, handler_a, dept_a, dept_b
):
    case, _ = make_case()
    case = case_assign(
        case=case_accept(case=case, actor=office_user), actor=office_user, department=dept_a
    )
    if signed:
        case = case_sign(case=case, actor=handler_a)
    before = case.state
    case_transfer_request(case=case, actor=handler_a, to_unit=dept_b, reason="应由自然资源局办理")
    asked = office.get(f"/admin/cases/{case.pk}/").content.decode()
    assert "申请改派至" in asked and "县自然资源局</strong>" in asked

    page = _act(office, case, action="transfer_refuse", reason="属你单位职责").content.decode()

    case.refresh_from_db()
    assert case.state == before
    assert case.proposed_department is None and case.department == dept_a
    assert case.number in page and f"<strong>{CaseState(before).label}</strong>" in page
    assert "申请改派至" not in page
    event = AuditEvent.objects.filter(chain=case.audit_chain, action="case.transfer_refuse").get()
    assert event.after["state"] == before


def _open_tracking(client, case, receipt):
    response = client.post("/complaints/track/", {"number": case.number, "code": receipt.code})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("main_state", ["merged", "closed", "rejected", "itself"])
def test_a_merge_is_refused_unless_the_main_case_is_live(
    main_state, office, make_case, office_user
):
    main, _ = make_case()
    if main_state == "merged":
        other, _ = make_case()
        case_merge(case=main, actor=office_user, merge_into=other)
    elif main_state == "rejected":
        case_reject(case=main, actor=office_user, reason="不属于受理范围")
    elif main_state == "closed":
        main = _closed(main, office_user)
    duplicate, _ = make_case()
    if main_state == "itself":
        main = duplicate

    page = _act(office, duplicate, action="merge", merge_into=main.number, reason="同一事项")

    duplicate.refresh_from_db()
    assert duplicate.state == CaseState.SUBMITTED and duplicate.merged_into is None
    html = page.content.decode()
    assert ("不能并入它自己" if main_state == "itself" else "只能并入正在办理的投诉件") in html
    assert not AuditEvent.objects.filter(chain=duplicate.audit_chain, action="case.merge").exists()


def test_a_main_case_with_duplicates_is_not_merged_away(make_case, office_user):
    main, _ = make_case()
    duplicate, _ = make_case()
    third, _ = make_case()
    case_merge(case=duplicate, actor=office_user, merge_into=main)
    with pytest.raises(ValidationError, match="不能再并入"):
        case_merge(case=main, actor=office_user, merge_into=third)


def test_the_main_case_lists_its_duplicates_and_each_complainant_follows_its_answer(
    client, make_case, office_user, handler_a, dept_a
):
    main, _ = make_case()
    first, first_receipt = make_case(text="办事大厅窗口推诿，同一件事跑了三次。")
    second, second_receipt = make_case(text="窗口人员让我来回跑了好几趟。")
    main = case_accept(case=main, actor=office_user)
    case_merge(case=first, actor=office_user, merge_into=main, reason="同一事项")
    case_merge(case=second, actor=office_user, merge_into=main, reason="同一事项")

    client.force_login(office_user)
    office_page = client.get(f"/admin/cases/{main.pk}/").content.decode()
    assert "并入本件的投诉件" in office_page
    assert first.number in office_page and second.number in office_page
    client.logout()

    main = case_assign(case=main, actor=office_user, department=dept_a)
    tracking = _open_tracking(client, first, first_receipt)
    assert main.number in tracking and "已交办" in tracking
    main = case_sign(case=main, actor=handler_a)
    main = case_start(case=main, actor=handler_a)
    main = case_answer(
        case=main, actor=handler_a, answer="已约谈窗口负责人，实行一次性告知。", finding="true"
    )
    # not before the office approved the answer
    assert "一次性告知" not in _open_tracking(client, first, first_receipt)
    main = case_approve(case=main, actor=office_user)

    for case, receipt in ((first, first_receipt), (second, second_receipt)):
        client.cookies.clear()
        page = _open_tracking(client, case, receipt)
        assert "已约谈窗口负责人，实行一次性告知。" in page
        assert "该件当前状态：<strong data-main-state>待回访</strong>" in page
        assert case.number in page  # their own receipt, their own page
        # no callback form on the merged case: the main complainant answers the call-back
        assert "提交评价" not in page


def test_merged_complainants_are_told_when_the_main_case_is_answered(
    make_case, office_user, handler_a, dept_a, django_capture_on_commit_callbacks
):
    """Each merged complainant hears of the main case's answer in their own channel: a named
    one by SMS and e-mail with both numbers, an anonymous one who opted in only "an update"."""
    from django.core import mail

    from portal.core import sms

    main, _ = make_case()
    named, _ = make_case(
        anonymous=False,
        contact_name="王芳",
        contact_phone="13800138000",
        contact_email="wf@example.com",
    )
    anonymous, _ = make_case(notify_email="anon@example.com")
    main = case_accept(case=main, actor=office_user)
    case_merge(case=named, actor=office_user, merge_into=main, reason="同一事项")
    case_merge(case=anonymous, actor=office_user, merge_into=main, reason="同一事项")
    main = case_assign(case=main, actor=office_user, department=dept_a)
    main = case_sign(case=main, actor=handler_a)
    main = case_start(case=main, actor=handler_a)
    main = case_answer(case=main, actor=handler_a, answer="已整改。", finding="true")
    sms.outbox.clear()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_approve(case=main, actor=office_user)
    texts = [m["text"] for m in sms.outbox if m["phone"] == "13800138000"]
    assert len(texts) == 1 and named.number in texts[0] and main.number in texts[0]
    assert "待回访" in texts[0]
    to_named = [m for m in mail.outbox if m.to == ["wf@example.com"]]
    assert len(to_named) == 1 and main.number in to_named[0].body
    to_anonymous = [m for m in mail.outbox if m.to == ["anon@example.com"]]
    assert len(to_anonymous) == 1
    assert anonymous.number in to_anonymous[0].body and main.number not in to_anonymous[0].body
