"""Issue 20, 督办: the office opens it by hand (reason, new deadline) from the case page; an
urgent case is supervised at once on assignment with the shorter deadline; past the
supervised deadline the daily sweep escalates to the unit's head, then to the leaders."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from complaints.choices import SupervisionLevel
from complaints.models import DepartmentNotice, Supervision
from complaints.services import case_deadline_sweep
from complaints.services.workflow import case_accept, case_answer, case_assign
from complaints.workdays import add_working_days
from portal.accounts import roles
from portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept(make_unit):
    return make_unit(name="县住房和城乡建设局", head="王建国")


@pytest.fixture
def head_account(make_user, dept):
    user = make_user(roles.DEPARTMENT, unit=dept, email="head@example.com")
    user.display_name = "王建国"
    user.save(update_fields=["display_name"])
    return user


@pytest.fixture
def handler(make_user, dept):
    return make_user(roles.DEPARTMENT, unit=dept, email="clerk@example.com")


@pytest.fixture
def leader(make_user):
    return make_user(roles.LEADER, email="leader@example.com")


@pytest.fixture
def office(client, office_user):
    client.force_login(office_user)
    return client


def _assigned(make_case, office_user, dept, **kw):
    case, _ = make_case()
    case = case_accept(case=case, actor=office_user)
    return case_assign(case=case, actor=office_user, department=dept, **kw)


def test_urgent_case_is_supervised_at_once_on_assignment_with_the_shorter_deadline(
    office, make_case, office_user, dept, settings
):
    settings.CASE_URGENT_DEADLINE_WORKING_DAYS = 2
    case, _ = make_case()
    case = case_accept(case=case, actor=office_user)
    office.post(
        f"/admin/cases/{case.pk}/assign/",
        {"department": dept.pk, "urgent": "1"},
    )
    case.refresh_from_db()
    today = timezone.localdate()
    supervision = case.supervisions.get()
    assert supervision.automatic
    assert case.deadline == supervision.deadline == add_working_days(today, 2)
    event = AuditEvent.objects.filter(chain=case.audit_chain, action="case.assign").last()
    assert event.after["supervision"]["automatic"] is True
    page = office.get(f"/admin/cases/{case.pk}/").content.decode()
    assert "督办中" in page and "紧急件，交办即督办" in page


def test_a_normal_case_is_not_supervised_on_assignment(make_case, office_user, dept):
    case = _assigned(make_case, office_user, dept)
    assert not Supervision.objects.filter(case=case).exists()


def test_office_opens_supervision_by_hand_with_reason_and_new_deadline(
    office, make_case, office_user, dept, handler
):
    case = _assigned(make_case, office_user, dept)
    new_deadline = add_working_days(timezone.localdate(), 3)
    page = office.get(f"/admin/cases/{case.pk}/").content.decode()
    assert f"/admin/cases/{case.pk}/supervise/" in page
    response = office.post(
        f"/admin/cases/{case.pk}/supervise/",
        {"reason": "群众反映强烈，请加快办理", "deadline": new_deadline.isoformat()},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.deadline == new_deadline
    supervision = case.supervisions.get()
    assert supervision.reason == "群众反映强烈，请加快办理" and not supervision.automatic
    assert AuditEvent.objects.filter(
        chain=case.audit_chain, action="case.supervision_open"
    ).exists()
    notice = DepartmentNotice.objects.get(case=case, event="supervise")
    assert notice.unit_id == dept.pk and "群众反映强烈" in notice.text


@pytest.mark.parametrize(
    "data",
    [
        {"reason": "", "deadline": "2099-01-01"},
        {"reason": "理由", "deadline": ""},
        {"reason": "理由", "deadline": "2026-02-30"},
        {"reason": "理由", "deadline": "2000-01-01"},
        {"reason": "理由", "deadline": "not a date"},
    ],
)
def test_supervision_without_reason_or_valid_deadline_is_refused_without_500(
    office, make_case, office_user, dept, data
):
    case = _assigned(make_case, office_user, dept)
    response = office.post(f"/admin/cases/{case.pk}/supervise/", data, follow=True)
    assert response.status_code == 200
    assert not Supervision.objects.filter(case=case).exists()


def test_a_department_cannot_open_supervision(client, make_case, office_user, dept, handler):
    case = _assigned(make_case, office_user, dept)
    client.force_login(handler)
    response = client.post(
        f"/admin/cases/{case.pk}/supervise/", {"reason": "x", "deadline": "2099-01-01"}
    )
    # refused: 403/404, or the admin's own denial (its home, with a message)
    assert response.status_code in (403, 404) or response["Location"] == "/admin/"
    assert not Supervision.objects.filter(case=case).exists()


def test_supervision_escalates_to_the_unit_head_then_to_the_leaders(
    make_case, office_user, dept, head_account, handler, leader, django_capture_on_commit_callbacks
):
    case = _assigned(make_case, office_user, dept, urgent=True)
    supervision = case.supervisions.get()
    day_after = supervision.deadline + timedelta(days=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert case_deadline_sweep(today=day_after)["escalated"] == 1
    supervision.refresh_from_db()
    assert supervision.level == SupervisionLevel.UNIT_HEAD
    notice = DepartmentNotice.objects.get(case=case, event="supervise_escalate")
    assert "王建国" in notice.text
    escalation_mails = [m for m in mail.outbox if m.subject.startswith("督办升级")]
    assert [m.to for m in escalation_mails] == [["head@example.com"]]
    # the same day again: nothing more
    assert case_deadline_sweep(today=day_after)["escalated"] == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert case_deadline_sweep(today=day_after + timedelta(days=1))["escalated"] == 1
    supervision.refresh_from_db()
    assert supervision.level == SupervisionLevel.LEADER
    escalation_mails = [m for m in mail.outbox if m.subject.startswith("督办升级")]
    assert [m.to for m in escalation_mails] == [["leader@example.com"]]
    assert case_deadline_sweep(today=day_after + timedelta(days=5))["escalated"] == 0
    actions = AuditEvent.objects.filter(
        chain=case.audit_chain, action="case.supervision_escalate"
    ).values_list("after", flat=True)
    assert [a["level"] for a in actions] == [1, 2]


def test_an_answered_supervised_case_does_not_escalate(make_case, office_user, dept, handler):
    case = _assigned(make_case, office_user, dept, urgent=True)
    from complaints.services.workflow import case_sign, case_start

    case = case_start(case=case_sign(case=case, actor=handler), actor=handler)
    case_answer(case=case, actor=handler, answer="已处理。", finding="true")
    deadline = case.supervisions.get().deadline
    assert case_deadline_sweep(today=deadline + timedelta(days=3))["escalated"] == 0
