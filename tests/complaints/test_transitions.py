"""The case state machine: every path, every refusal, an audit event per transition."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from complaints.choices import TRANSITIONS, ActorKind, CaseAction, CaseState, HandlingTier
from complaints.models import AssignmentDocument, Case
from complaints.services import (
    InvalidTransition,
    case_deadline_sweep,
    case_publication_set,
    extension_decide,
    extension_request,
)
from complaints.services.workflow import (
    case_accept,
    case_answer,
    case_approve,
    case_assign,
    case_close,
    case_merge,
    case_reject,
    case_reopen,
    case_return,
    case_sign,
    case_start,
    case_transfer_refuse,
    case_transfer_request,
)
from portal.accounts import roles
from portal.audit.models import AuditEvent
from portal.audit.registry import verify_audit_events

pytestmark = pytest.mark.django_db
A = CaseAction


@pytest.fixture
def dept_a(make_unit):
    return make_unit(name="县市场监督管理局")


@pytest.fixture
def dept_b(make_unit):
    return make_unit(name="县自然资源局")


@pytest.fixture
def handler_a(make_user, dept_a):
    return make_user(roles.DEPARTMENT, unit=dept_a, email="a@example.com")


@pytest.fixture
def handler_b(make_user, dept_b):
    return make_user(roles.DEPARTMENT, unit=dept_b)


def _actions(case):
    return list(AuditEvent.objects.filter(chain=f"case:{case.pk}").values_list("action", flat=True))


def _assigned(make_case, office, dept):
    case, _ = make_case()
    case = case_accept(case=case, actor=office)
    return case_assign(case=case, actor=office, department=dept)


def test_every_action_in_the_map_leads_somewhere_and_names_who_may_take_it():
    for action, (sources, target, who) in TRANSITIONS.items():
        assert sources and target in CaseState.values and who <= set(ActorKind.values), action


def test_full_path_to_closure_with_solved_recorded_separately(
    make_case, office_user, handler_a, dept_a
):
    case = _assigned(make_case, office_user, dept_a)
    assert case.state == CaseState.ASSIGNED and case.department == dept_a and case.deadline
    doc = AssignmentDocument.objects.get(case=case)
    assert doc.department == dept_a and doc.deadline == case.deadline and "〔" in doc.number
    case = case_sign(case=case, actor=handler_a)
    case = case_start(case=case, actor=handler_a)
    case = case_answer(
        case=case,
        actor=handler_a,
        answer="已整改",
        finding="partly",
        measures="约谈窗口负责人",
    )
    case = case_approve(case=case, actor=office_user)
    assert case.state == CaseState.CALLBACK
    case = case_close(
        case=case,
        actor=office_user,
        solved=False,
        handling_tier=HandlingTier.EARLY_SIGN,
        handling_action="talk",
        follow_up_on=date(2027, 1, 15),
    )
    assert case.state == CaseState.CLOSED and case.solved is False and case.closed_at
    assert _actions(case) == [
        "case.submit",
        "case.accept",
        "case.assign",
        "case.sign",
        "case.start",
        "case.answer",
        "case.approve",
        "case.close",
    ]
    event = AuditEvent.objects.get(chain=f"case:{case.pk}", action="case.sign")
    assert event.before == {"state": "assigned"} and event.after["state"] == "signed"
    assert event.actor == handler_a
    assert verify_audit_events() == []


def test_reject_needs_a_reason_and_ends_the_case(make_case, office_user):
    case, _ = make_case()
    with pytest.raises(ValidationError):
        case_reject(case=case, actor=office_user)
    case = case_reject(case=case, actor=office_user, reason="不属受理范围")
    assert case.state == CaseState.REJECTED
    with pytest.raises(InvalidTransition):
        case_accept(case=case, actor=office_user)


def test_return_for_rework_goes_back_to_the_department(make_case, office_user, handler_a, dept_a):
    case = _assigned(make_case, office_user, dept_a)
    case = case_sign(case=case, actor=handler_a)
    case = case_answer(case=case, actor=handler_a, answer="不属实", finding="false")
    with pytest.raises(ValidationError):
        case_return(case=case, actor=office_user)
    case = case_return(case=case, actor=office_user, reason="未附核查材料，请补充。")
    assert case.state == CaseState.IN_PROGRESS and case.state_reason.startswith("未附核查")


def test_transfer_must_name_the_responsible_unit_and_the_case_moves_there(
    make_case, office_user, handler_a, handler_b, dept_a, dept_b
):
    case = _assigned(make_case, office_user, dept_a)
    with pytest.raises(ValidationError):
        case_transfer_request(case=case, actor=handler_a, reason="不是我们的事")
    with pytest.raises(ValidationError):
        case_transfer_request(case=case, actor=handler_a, to_unit=dept_a, reason="x")
    case = case_transfer_request(
        case=case,
        actor=handler_a,
        to_unit=dept_b,
        reason="属于自然资源局职责",
    )
    assert case.state == CaseState.TRANSFER_REQUESTED and case.proposed_department == dept_b
    case = case_assign(case=case, actor=office_user)  # to the named unit
    assert case.department == dept_b and case.state == CaseState.ASSIGNED
    assert case.documents.count() == 2
    with pytest.raises(PermissionDenied):
        case_sign(case=case, actor=handler_a)
    case = case_sign(case=case, actor=handler_b)
    assert case.state == CaseState.SIGNED


def test_refused_transfer_stays_with_the_first_department(
    make_case, office_user, handler_a, dept_a, dept_b
):
    case = _assigned(make_case, office_user, dept_a)
    case = case_transfer_request(case=case, actor=handler_a, to_unit=dept_b, reason="不归我们")
    case = case_transfer_refuse(case=case, actor=office_user, reason="属你单位审批事项")
    assert case.state == CaseState.ASSIGNED and case.department == dept_a


def test_merge_duplicates(make_case, office_user):
    first, _ = make_case()
    second, _ = make_case()
    with pytest.raises(ValidationError):
        case_merge(case=second, actor=office_user)
    second = case_merge(case=second, actor=office_user, merge_into=first)
    assert second.state == CaseState.MERGED and second.merged_into == first


def test_reopen_only_once(make_case, office_user, handler_a, dept_a):
    case = _assigned(make_case, office_user, dept_a)
    for _ in range(2):
        case = case_sign(case=case, actor=handler_a) if (case.state == CaseState.ASSIGNED) else case
        case = case_answer(case=case, actor=handler_a, answer="答复", finding="true")
        case = case_approve(case=case, actor=office_user)
        if case.reopen_count == 0:
            case = case_reopen(case=case, actor=office_user)
            assert case.state == CaseState.IN_PROGRESS
    with pytest.raises(InvalidTransition):
        case_reopen(case=case, actor=office_user)


@pytest.mark.parametrize(
    "state,action",
    [
        (CaseState.SUBMITTED, case_sign),
        (CaseState.SUBMITTED, case_assign),
        (CaseState.SUBMITTED, case_close),
        (CaseState.SUBMITTED, case_answer),
        (CaseState.SUBMITTED, case_approve),
        (CaseState.SUBMITTED, case_reopen),
    ],
)
def test_invalid_transitions_are_refused_with_a_clear_message(
    make_case, office_user, state, action
):
    case, _ = make_case()
    with pytest.raises((InvalidTransition, PermissionDenied)) as info:
        action(case=case, actor=office_user)
    if info.type is InvalidTransition:
        assert "状态下不能" in info.value.messages[0]
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED
    assert _actions(case) == ["case.submit"]


def test_departments_cannot_take_office_actions_or_touch_other_departments_cases(
    make_case, office_user, handler_a, handler_b, dept_a, make_user
):
    case, _ = make_case()
    with pytest.raises(PermissionDenied):
        case_accept(case=case, actor=handler_a)
    case = _assigned(make_case, office_user, dept_a)
    with pytest.raises(PermissionDenied):
        case_sign(case=case, actor=handler_b)
    with pytest.raises(PermissionDenied):
        case_sign(case=case, actor=office_user)  # the office does not sign
    with pytest.raises(PermissionDenied):
        case_sign(case=case, actor=make_user(roles.LEADER))


def test_close_records_tier_action_and_whether_it_was_solved(
    make_case, office_user, handler_a, dept_a
):
    case = _assigned(make_case, office_user, dept_a)
    case = case_sign(case=case, actor=handler_a)
    case = case_answer(case=case, actor=handler_a, answer="a", finding="true")
    case = case_approve(case=case, actor=office_user)
    with pytest.raises(ValidationError):
        case_close(case=case, actor=office_user)
    case = case_close(
        case=case,
        actor=office_user,
        solved=True,
        handling_tier="violation",
        handling_action="sanction",
    )
    assert (case.solved, case.handling_tier, case.handling_action) == (
        True,
        "violation",
        "sanction",
    )
    with pytest.raises(ValidationError):
        case_publication_set(case=case, actor=office_user, ready=False)
    case = case_publication_set(case=case, actor=office_user, ready=False, reason="涉及个人隐私")
    assert case.publication == "held"
    case = case_publication_set(case=case, actor=office_user, ready=True)
    assert case.publication == "ready"


def test_extension_asked_by_department_and_approved_by_office(
    make_case, office_user, handler_a, dept_a
):
    case = _assigned(make_case, office_user, dept_a)
    before = case.deadline
    with pytest.raises(ValidationError):
        extension_request(case=case, actor=handler_a, working_days=99, reason="x")
    ext = extension_request(case=case, actor=handler_a, working_days=3, reason="需现场核查")
    with pytest.raises(PermissionDenied):
        extension_decide(extension=ext, actor=handler_a, approve=True)
    extension_decide(extension=ext, actor=office_user, approve=True)
    case.refresh_from_db()
    from complaints.workdays import add_working_days

    assert case.deadline == add_working_days(before, 3)
    with pytest.raises(ValidationError):
        extension_decide(extension=ext, actor=office_user, approve=False)
    refused = extension_request(case=case, actor=handler_a, working_days=2, reason="再延")
    extension_decide(extension=refused, actor=office_user, approve=False)
    case.refresh_from_db()
    assert case.deadline == add_working_days(before, 3)
    assert "case.extension_decide" in _actions(case)


def test_deadline_follows_category_setting_in_working_days(
    make_case, office_user, dept_a, category, settings
):
    from complaints.workdays import add_working_days

    category.deadline_working_days = 15
    category.save()
    case = _assigned(make_case, office_user, dept_a)
    from django.utils import timezone

    assert case.deadline == add_working_days(timezone.localdate(), 15)


def test_sweep_reminds_the_day_before_and_supervises_when_overdue(
    make_case, office_user, handler_a, dept_a, django_capture_on_commit_callbacks
):
    from django.core import mail

    from complaints.workdays import add_working_days

    case = _assigned(make_case, office_user, dept_a)
    deadline = case.deadline
    day_before = add_working_days(deadline, -1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = case_deadline_sweep(today=day_before)
        again = case_deadline_sweep(today=day_before)
    assert (first["reminded"], first["supervised"]) == (1, 0)
    assert (again["reminded"], again["supervised"]) == (0, 0)
    assert any("明天到期" in m.subject for m in mail.outbox)
    after = add_working_days(deadline, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert case_deadline_sweep(today=after)["supervised"] == 1
        assert case_deadline_sweep(today=after)["supervised"] == 0
    case.refresh_from_db()
    assert case.supervised_at is not None and "case.supervise" in _actions(case)
    assert any("督办" in m.subject for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_two_people_acting_on_one_case_at_once_cannot_corrupt_it(
    make_case, office_user, make_user, dept_a
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SELECT … FOR UPDATE); SQLite serialises writes")
    handler_1 = make_user(roles.DEPARTMENT, unit=dept_a)
    handler_2 = make_user(roles.DEPARTMENT, unit=dept_a)
    case = _assigned(make_case, office_user, dept_a)
    barrier = threading.Barrier(2)
    outcomes = []

    def act(user, action, **kw):
        from django.db import connections

        try:
            barrier.wait()
            action(case=case, actor=user, **kw)
            outcomes.append("ok")
        except (InvalidTransition, ValidationError) as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(handler_1, case_sign)),
        threading.Thread(
            target=act,
            args=(handler_2, case_transfer_request),
            kwargs={"to_unit": office_user.unit or _other_unit(), "reason": "x"},
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes).count("ok") >= 1
    case.refresh_from_db()
    events = AuditEvent.objects.filter(chain=f"case:{case.pk}").order_by("seq")
    # the audit chain has exactly one event per applied transition, and the final state is
    # the one the last applied event says
    applied = [e for e in events if e.action in ("case.sign", "case.transfer_request")]
    assert len(applied) == outcomes.count("ok")
    assert applied[-1].after["state"] == case.state
    for earlier, later in zip(applied, applied[1:], strict=False):
        assert later.before["state"] == earlier.after["state"]
    assert verify_audit_events() == []


@pytest.mark.django_db(transaction=True)
def test_two_identical_sign_clicks_at_once_sign_exactly_once(
    make_case, office_user, make_user, dept_a
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SELECT … FOR UPDATE); SQLite serialises writes")
    h1, h2 = make_user(roles.DEPARTMENT, unit=dept_a), make_user(roles.DEPARTMENT, unit=dept_a)
    case = _assigned(make_case, office_user, dept_a)
    barrier = threading.Barrier(2)
    outcomes = []

    def sign(user):
        from django.db import connections

        try:
            barrier.wait()
            case_sign(case=case, actor=user)
            outcomes.append("ok")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(u,)) for u in (h1, h2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert AuditEvent.objects.filter(chain=f"case:{case.pk}", action="case.sign").count() == 1


def _other_unit():
    from cms.models import Unit

    return Unit.objects.create(name="县住建局", kind="management")


def _callback_case(make_case, office_user, handler, dept):
    case = _assigned(make_case, office_user, dept)
    case = case_sign(case=case, actor=handler)
    case = case_answer(case=case, actor=handler, answer="a", finding="true")
    return case_approve(case=case, actor=office_user)


def test_warning_letter_needs_a_rectification_deadline_and_follow_up_is_reminded(
    make_case, office_user, handler_a, dept_a, django_capture_on_commit_callbacks
):
    from django.core import mail

    case = _callback_case(make_case, office_user, handler_a, dept_a)
    with pytest.raises(ValidationError):
        case_close(
            case=case,
            actor=office_user,
            solved=True,
            handling_tier="general",
            handling_action="warning_letter",
        )
    case = case_close(
        case=case,
        actor=office_user,
        solved=True,
        handling_tier="general",
        handling_action="warning_letter",
        rectify_by=date(2026, 12, 31),
        follow_up_on=date(2027, 1, 8),
    )
    event = AuditEvent.objects.get(chain=f"case:{case.pk}", action="case.close")
    assert event.after["rectify_by"] == "2026-12-31"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert case_deadline_sweep(today=date(2027, 1, 7))["follow_ups"] == 0
        assert case_deadline_sweep(today=date(2027, 1, 8))["follow_ups"] == 1
        assert case_deadline_sweep(today=date(2027, 1, 9))["follow_ups"] == 0
    assert [m.subject for m in mail.outbox if "回头看" in m.subject]


def test_urgent_assignment_notifies_the_department_at_once(
    make_case, office_user, handler_a, dept_a, django_capture_on_commit_callbacks
):
    from django.core import mail

    case, _ = make_case()
    case = case_accept(case=case, actor=office_user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = case_assign(case=case, actor=office_user, department=dept_a, urgent=True)
    assert case.urgent
    assert any(m.subject.startswith("【紧急】") and m.to == ["a@example.com"] for m in mail.outbox)


def test_office_daily_digest_counts_the_queues(make_case, office_user, dept_a):
    from django.core import mail

    from complaints.services import office_digest_send

    make_case()
    _assigned(make_case, office_user, dept_a)
    mail.outbox.clear()
    counts = office_digest_send()
    assert counts["submitted"] == 1 and counts["overdue"] == 0
    assert len(mail.outbox) == 1 and "待受理 1 件" in mail.outbox[0].body


def test_named_complainant_is_told_each_status_change_by_email_and_sms(
    category, office_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    from complaints.services import case_submit
    from portal.core import sms

    case, _ = case_submit(
        category=category,
        text="实名",
        anonymous=False,
        contact_name="周八",
        contact_phone="13711112222",
        contact_email="zhou@example.com",
    )
    mail.outbox.clear()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(case=case, actor=office_user)
    assert any("已受理" in m.body and m.to == ["zhou@example.com"] for m in mail.outbox)
    assert any("已受理" in m["text"] and m["phone"] == "13711112222" for m in sms.outbox)
