"""Department notices beyond e-mail: an SMS to handlers with a work mobile (new, urgent,
supervised, due tomorrow) and an in-app notice for the unit, seen by that unit only."""

import pytest
from django.core import mail

from complaints.choices import CaseAction, Finding
from complaints.models import DepartmentNotice
from complaints.services import case_deadline_sweep, case_notify
from complaints.services.workflow import (
    case_accept,
    case_answer,
    case_assign,
    case_return,
    case_sign,
)
from complaints.workdays import add_working_days
from portal.accounts import roles
from portal.accounts.services import staff_mobile_set
from portal.core import sms

pytestmark = pytest.mark.django_db
A = CaseAction


@pytest.fixture
def dept_a(make_unit):
    return make_unit(name="县卫生健康委员会")


@pytest.fixture
def dept_b(make_unit):
    return make_unit(name="县农业农村局")


@pytest.fixture
def handler_a(make_user, dept_a, office_user):
    user = make_user(roles.DEPARTMENT, unit=dept_a, email="wsj@example.com")
    return staff_mobile_set(user=user, mobile="13911112222", actor=office_user)


@pytest.fixture
def quiet_handler_a(make_user, dept_a):
    # no mobile: e-mail and the in-app notice only
    return make_user(roles.DEPARTMENT, unit=dept_a, email="wsj2@example.com")


@pytest.fixture
def handler_b(make_user, dept_b, office_user):
    user = make_user(roles.DEPARTMENT, unit=dept_b)
    return staff_mobile_set(user=user, mobile="13733334444", actor=office_user)


def _assign(make_case, office_user, dept, capture, urgent=None):
    case, _ = make_case()
    case = case_accept(case=case, actor=office_user)
    with capture(execute=True):
        return case_assign(case=case, actor=office_user, department=dept, urgent=urgent)


def _texts_to(phone):
    return [m["text"] for m in sms.outbox if m["phone"] == phone]


def test_a_new_assignment_texts_handlers_with_a_mobile_and_leaves_an_in_app_notice(
    make_case,
    office_user,
    handler_a,
    quiet_handler_a,
    handler_b,
    dept_a,
    django_capture_on_commit_callbacks,
):
    sms.outbox.clear()
    mail.outbox.clear()
    case = _assign(make_case, office_user, dept_a, django_capture_on_commit_callbacks)
    texts = _texts_to("13911112222")
    assert len(texts) == 1 and case.number in texts[0] and "新交办" in texts[0]
    assert _texts_to("13733334444") == []  # the other department hears nothing
    assert case.text not in texts[0]  # the SMS names the case, not its content
    assert any(set(m.to) == {"wsj@example.com", "wsj2@example.com"} for m in mail.outbox)
    notice = DepartmentNotice.objects.get(case=case)
    assert notice.unit_id == dept_a.pk and notice.event == "state:assigned"
    assert case.number in notice.text and notice.read_at is None


def test_urgent_supervised_and_due_tomorrow_cases_are_texted(
    make_case, office_user, handler_a, dept_a, django_capture_on_commit_callbacks
):
    sms.outbox.clear()
    case = _assign(make_case, office_user, dept_a, django_capture_on_commit_callbacks, urgent=True)
    assert _texts_to("13911112222")[0].startswith("【紧急】")
    day_before = add_working_days(case.deadline, -1)
    with django_capture_on_commit_callbacks(execute=True):
        case_deadline_sweep(today=day_before)
    assert any("明天到期" in t for t in _texts_to("13911112222"))
    with django_capture_on_commit_callbacks(execute=True):
        case_deadline_sweep(today=add_working_days(case.deadline, 1))
    assert any("督办" in t for t in _texts_to("13911112222"))
    events = list(DepartmentNotice.objects.filter(case=case).values_list("event", flat=True))
    # an urgent case is supervised at once on assignment (issue 20): past its deadline the
    # supervision also escalates to the unit's head
    assert sorted(events) == ["due_soon", "state:assigned", "supervise", "supervise_escalate"]


def test_a_returned_case_gets_an_in_app_notice_but_no_sms_unless_urgent(
    make_case, office_user, handler_a, dept_a, django_capture_on_commit_callbacks
):
    case = _assign(make_case, office_user, dept_a, django_capture_on_commit_callbacks)
    case = case_sign(case=case, actor=handler_a)
    case = case_answer(case=case, actor=handler_a, answer="已整改", finding=Finding.TRUE)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_return(case=case, actor=office_user, reason="答复不完整")
    assert _texts_to("13911112222") == []
    assert DepartmentNotice.objects.filter(case=case, event="state:in_progress").exists()


def test_a_retried_notify_task_does_not_write_the_notice_twice(
    make_case, office_user, dept_a, django_capture_on_commit_callbacks
):
    case = _assign(make_case, office_user, dept_a, django_capture_on_commit_callbacks)
    case_notify(case=case, event="state:assigned")  # what a retry after a mail error does
    assert DepartmentNotice.objects.filter(case=case, event="state:assigned").count() == 1


class BrokenSms:
    """The SMS provider is down (the outside world, so a stand-in is fine here)."""

    def send(self, *, phone, text):
        raise RuntimeError("provider down")


def test_a_failing_sms_provider_does_not_stop_the_email_or_the_notice(
    make_case, office_user, handler_a, dept_a, django_capture_on_commit_callbacks, settings
):
    settings.SMS_BACKEND = "tests.complaints.test_department_notices.BrokenSms"
    mail.outbox.clear()
    case = _assign(make_case, office_user, dept_a, django_capture_on_commit_callbacks)
    assert any(m.to == ["wsj@example.com"] and case.number in m.subject for m in mail.outbox)
    assert DepartmentNotice.objects.filter(case=case).exists()


# --- the notices page ---------------------------------------------------------------------------


def test_the_unit_sees_its_notices_with_an_unread_count_and_marks_them_read(
    client,
    make_case,
    office_user,
    handler_a,
    quiet_handler_a,
    dept_a,
    django_capture_on_commit_callbacks,
):
    first = _assign(make_case, office_user, dept_a, django_capture_on_commit_callbacks)
    second = _assign(make_case, office_user, dept_a, django_capture_on_commit_callbacks)
    client.force_login(handler_a)
    inbox = client.get("/admin/cases/inbox/").content.decode()
    assert "部门通知" in inbox and "2 条未读" in inbox
    page = client.get("/dept/notices/").content.decode()
    assert first.number in page and second.number in page and "2 条未读" in page

    notice = DepartmentNotice.objects.get(case=first)
    response = client.post(f"/dept/notices/{notice.pk}/read/")
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None and notice.read_by == handler_a
    # read for the unit: the other handler of the unit sees one unread too
    client.force_login(quiet_handler_a)
    assert "1 条未读" in client.get("/admin/cases/inbox/").content.decode()
    unread = client.get("/dept/notices/?unread=1").content.decode()
    assert second.number in unread and first.number not in unread
    client.post("/dept/notices/read/")
    assert not DepartmentNotice.objects.filter(unit=dept_a, read_at__isnull=True).exists()
    assert "条未读" not in client.get("/admin/cases/inbox/").content.decode()


def test_the_admin_menu_label_carries_the_unread_count(
    rf, make_case, office_user, handler_a, dept_a, django_capture_on_commit_callbacks
):
    from complaints.wagtail_hooks import register_department_notices_menu_item

    item = register_department_notices_menu_item()
    request = rf.get("/admin/")
    request.user = handler_a
    assert item.is_shown(request) and item.label_for(request) == "部门通知"
    _assign(make_case, office_user, dept_a, django_capture_on_commit_callbacks)
    assert item.label_for(request) == "部门通知 (1)"
    assert item.render_component(request).label == "部门通知 (1)"
    request.user = office_user
    assert not item.is_shown(request)


def test_another_department_can_neither_see_nor_mark_the_notice(
    client,
    make_case,
    office_user,
    handler_a,
    handler_b,
    dept_a,
    django_capture_on_commit_callbacks,
):
    case = _assign(make_case, office_user, dept_a, django_capture_on_commit_callbacks)
    notice = DepartmentNotice.objects.get(case=case)
    client.force_login(handler_b)
    page = client.get("/dept/notices/")
    assert page.status_code == 200
    assert case.number not in page.content.decode() and "暂无通知" in page.content.decode()
    assert "条未读" not in client.get("/admin/cases/inbox/").content.decode()
    assert client.post(f"/dept/notices/{notice.pk}/read/").status_code == 404
    client.post("/dept/notices/read/")  # "mark all" touches only its own unit
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize("role", [roles.OFFICE, roles.MONITOR, roles.EDITOR, roles.LEADER, None])
def test_only_department_handlers_open_the_notices(
    client, make_user, role, make_case, office_user, dept_a, django_capture_on_commit_callbacks
):
    case = _assign(make_case, office_user, dept_a, django_capture_on_commit_callbacks)
    notice = DepartmentNotice.objects.get(case=case)
    if role is not None:
        client.force_login(make_user(role))
    for response in (
        client.get("/dept/notices/"),
        client.post(f"/dept/notices/{notice.pk}/read/"),
        client.post("/dept/notices/read/"),
    ):
        if role is None:
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        else:
            assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def _sidebar(client) -> str:
    """The Wagtail admin's sidebar menu (JSON props of its React component), as text."""
    import json

    html = client.get("/admin/").content.decode()
    props = html.split('id="wagtail-sidebar-props" type="application/json">')[1]
    return json.dumps(json.loads(props.split("</script>")[0]), ensure_ascii=False)


def test_the_wagtail_admin_shows_the_notices_item_with_its_count_to_the_department(
    client, make_case, office_user, handler_a, dept_a, django_capture_on_commit_callbacks
):
    _assign(make_case, office_user, dept_a, django_capture_on_commit_callbacks)
    client.force_login(handler_a)
    menu = _sidebar(client)
    assert "部门通知 (1)" in menu and "接口与通知设置" not in menu
    client.force_login(office_user)
    menu = _sidebar(client)
    assert "接口与通知设置" in menu and "/office/exchange/deliveries/" in menu
    assert "部门通知" not in menu
