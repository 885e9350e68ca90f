"""The case workbench in the Wagtail admin (issue 19): for a case in each state the case page
offers exactly the actions the state map allows the viewer, and POSTing any other action is
refused with a message (never a 500, the case unchanged)."""

import datetime
import re

import pytest

from complaints.choices import SIDE_ACTIONS, TRANSITIONS, ActorKind, CaseState
from complaints.models import Case
from complaints.services import workflow
from portal.accounts import roles

pytestmark = pytest.mark.django_db

OFFERED = re.compile(r'data-case-action="([a-z_]+)"')
# the actions a page has a form for (the follow-up's relapse reopening is the system's only)
PAGE_ACTIONS = {a for a, (_, _, who) in TRANSITIONS.items() if who - {ActorKind.SYSTEM}} | set(
    SIDE_ACTIONS
)


def legal(state, kind) -> set[str]:
    """Read straight off the map, not through the code under test."""
    moves = {a for a, (src, _, who) in TRANSITIONS.items() if state in src and kind in who}
    side = {a for a, (states, who) in SIDE_ACTIONS.items() if state in states and kind in who}
    return (moves | side) & PAGE_ACTIONS


@pytest.fixture
def units(make_unit):
    return make_unit(name="县人社局"), make_unit(name="县医保局")


@pytest.fixture
def handler(make_user, units):
    return make_user(roles.DEPARTMENT, unit=units[0])


@pytest.fixture
def case_in(make_case, office_user, handler, units):
    """A case of department A driven through the services to `state`."""
    a, b = units

    def make(state):
        case, _ = make_case(unit=a, text=f"窗口办事推诿，{state} 状态的投诉件。")
        if state == CaseState.SUBMITTED:
            return case
        if state == CaseState.REJECTED:
            return workflow.case_reject(case=case, actor=office_user, reason="不属于受理范围")
        if state == CaseState.MERGED:
            main, _ = make_case(unit=a)
            return workflow.case_merge(case=case, actor=office_user, merge_into=main)
        case = workflow.case_accept(case=case, actor=office_user)
        if state == CaseState.ACCEPTED:
            return case
        case = workflow.case_assign(case=case, actor=office_user, department=a)
        if state == CaseState.ASSIGNED:
            return case
        if state == CaseState.TRANSFER_REQUESTED:
            return workflow.case_transfer_request(
                case=case, actor=handler, to_unit=b, reason="不属本单位职责"
            )
        case = workflow.case_sign(case=case, actor=handler)
        if state == CaseState.SIGNED:
            return case
        if state == CaseState.IN_PROGRESS:
            return workflow.case_start(case=case, actor=handler)
        case = workflow.case_answer(case=case, actor=handler, answer="已整改", finding="true")
        if state == CaseState.ANSWERED:
            return case
        case = workflow.case_approve(case=case, actor=office_user)
        if state == CaseState.CALLBACK:
            return case
        return workflow.case_close(
            case=case,
            actor=office_user,
            solved=True,
            handling_tier="general",
            handling_action="none",
        )

    return make


def _wagtail_denied(response) -> bool:
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def _offered(client, case) -> set[str]:
    response = client.get(f"/admin/cases/{case.pk}/")
    assert response.status_code == 200
    return set(OFFERED.findall(response.content.decode()))


@pytest.mark.parametrize("state", list(CaseState))
@pytest.mark.parametrize("role", ["office", "department"])
def test_the_case_page_offers_exactly_the_legal_actions(
    client, case_in, office_user, handler, state, role
):
    case = case_in(state)
    assert case.state == state
    user, kind = (
        (office_user, ActorKind.OFFICE) if role == "office" else (handler, ActorKind.DEPARTMENT)
    )
    client.force_login(user)
    if role == "department" and case.department_id is None:
        # not (yet, or no longer) the department's: its page is a 404 like any other unit's
        assert client.get(f"/admin/cases/{case.pk}/").status_code == 404
        return
    assert _offered(client, case) == legal(state, kind)


@pytest.mark.parametrize("state", list(CaseState))
def test_posting_an_action_the_state_does_not_allow_is_refused_with_a_message(
    client, case_in, office_user, state
):
    case = case_in(state)
    client.force_login(office_user)
    for action in sorted(PAGE_ACTIONS - legal(state, ActorKind.OFFICE)):
        response = client.post(f"/admin/cases/{case.pk}/{action}/", {"reason": "x"})
        if ActorKind.OFFICE not in (
            TRANSITIONS[action][2] if action in TRANSITIONS else SIDE_ACTIONS[action][1]
        ):
            # an action the office never takes (the department's sign, answer …): the admin's
            # own denial, a message on the admin's home
            assert _wagtail_denied(response), action
            continue
        assert response.status_code == 302, action
        assert response["Location"] == f"/admin/cases/{case.pk}/"
        page = client.get(response["Location"]).content.decode()
        assert "状态下不能" in page, action
        assert Case.objects.get(pk=case.pk).state == state


def test_the_office_screens_and_assigns_from_the_case_page(client, case_in, office_user, units):
    case = case_in(CaseState.SUBMITTED)
    client.force_login(office_user)
    response = client.post(f"/admin/cases/{case.pk}/accept/", {}, follow=True)
    assert "“受理”已完成" in response.content.decode()
    response = client.post(
        f"/admin/cases/{case.pk}/assign/",
        {"department": units[0].pk, "deadline": "2026-13-40"},
    )
    # a date that does not exist is the form's message, not a 500
    assert response.status_code == 200 and "有效的日期" in response.content.decode()
    response = client.post(f"/admin/cases/{case.pk}/assign/", {"department": units[0].pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED and case.department == units[0]


def test_a_service_refusal_comes_back_on_the_form(client, case_in, office_user):
    case = case_in(CaseState.SUBMITTED)
    client.force_login(office_user)
    response = client.post(f"/admin/cases/{case.pk}/reject/", {"reason": ""})
    assert response.status_code == 200
    assert "请填写理由" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED


def test_close_needs_tier_and_action_and_takes_them(client, case_in, office_user):
    case = case_in(CaseState.CALLBACK)
    client.force_login(office_user)
    response = client.post(f"/admin/cases/{case.pk}/close/", {"solved": "1"})
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).state == CaseState.CALLBACK
    response = client.post(
        f"/admin/cases/{case.pk}/close/",
        {"solved": "1", "handling_tier": "general", "handling_action": "none"},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED


def test_merge_by_number_and_an_unknown_number(client, case_in, make_case, office_user):
    case = case_in(CaseState.ACCEPTED)
    main, _ = make_case()
    client.force_login(office_user)
    response = client.post(f"/admin/cases/{case.pk}/merge/", {"merge_into": "NO-SUCH"})
    assert response.status_code == 200 and "没有这个编号的投诉件" in response.content.decode()
    client.post(f"/admin/cases/{case.pk}/merge/", {"merge_into": main.number})
    case.refresh_from_db()
    assert case.state == CaseState.MERGED and case.merged_into == main


def test_the_department_signs_answers_asks_for_time_and_proposes_a_transfer(
    client, case_in, handler, units, office_user
):
    case = case_in(CaseState.ASSIGNED)
    client.force_login(handler)
    client.post(f"/admin/cases/{case.pk}/sign/", {})
    response = client.post(
        f"/admin/cases/{case.pk}/extension_request/", {"working_days": "2", "reason": "需调查"}
    )
    assert response.status_code == 302
    assert case.extensions.count() == 1
    response = client.post(
        f"/admin/cases/{case.pk}/answer/", {"answer": "已答复", "finding": "true"}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.ANSWERED
    other = case_in(CaseState.ASSIGNED)
    client.post(
        f"/admin/cases/{other.pk}/transfer_request/", {"to_unit": units[1].pk, "reason": "非本单位"}
    )
    other.refresh_from_db()
    assert other.state == CaseState.TRANSFER_REQUESTED and other.proposed_department == units[1]


def test_another_units_case_is_a_404_everywhere(client, case_in, make_user, units):
    case = case_in(CaseState.ASSIGNED)
    client.force_login(make_user(roles.DEPARTMENT, unit=units[1]))
    for url in ("", "sign/", "answer/", "extension_request/", "message/"):
        method = client.get if not url else client.post
        assert method(f"/admin/cases/{case.pk}/{url}").status_code == 404, url
    inbox = client.get("/admin/cases/inbox/").content.decode()
    assert case.number not in inbox
    response = client.get(f"/admin/bulk/complaints/case/sign/?id={case.pk}")
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).state == CaseState.ASSIGNED


def test_the_leader_reads_but_cannot_act(client, case_in, make_user):
    case = case_in(CaseState.SUBMITTED)
    client.force_login(make_user(roles.LEADER))
    assert client.get("/admin/cases/").status_code == 200
    assert _offered(client, case) == set()
    response = client.post(f"/admin/cases/{case.pk}/reject/", {"reason": "x"})
    assert _wagtail_denied(response)
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED


def test_the_listing_filters(client, case_in, office_user):
    submitted, assigned = case_in(CaseState.SUBMITTED), case_in(CaseState.ASSIGNED)
    client.force_login(office_user)
    html = client.get("/admin/cases/?state=submitted").content.decode()
    assert submitted.number in html and assigned.number not in html
    assert assigned.number not in client.get("/admin/cases/?due=overdue").content.decode()
    Case.objects.filter(pk=assigned.pk).update(deadline=datetime.date(2026, 1, 5))
    html = client.get("/admin/cases/?due=overdue").content.decode()
    assert assigned.number in html and submitted.number not in html
    # a nonsense filter value is the filter's own message, not a 500
    assert client.get("/admin/cases/?state=nope&submitted_after=2026-99-99").status_code == 200


def test_department_inbox_lists_only_its_own_cases(client, case_in, handler, make_user, units):
    mine = case_in(CaseState.ASSIGNED)
    client.force_login(handler)
    html = client.get("/admin/cases/inbox/?state=assigned").content.decode()
    assert mine.number in html
    assert client.get("/admin/cases/").status_code == 404  # the office's listing
    client.force_login(make_user(roles.DEPARTMENT, unit=units[1]))
    assert mine.number not in client.get("/admin/cases/inbox/").content.decode()


def test_bulk_sign_and_batch_assign(client, case_in, handler, office_user, make_case, units):
    a1, a2 = case_in(CaseState.ASSIGNED), case_in(CaseState.ASSIGNED)
    client.force_login(handler)
    url = f"/admin/bulk/complaints/case/sign/?id={a1.pk}&id={a2.pk}&next=/admin/cases/inbox/"
    page = client.get(url)
    assert page.status_code == 200 and a1.number in page.content.decode()
    response = client.post(url, follow=True)
    assert "已签收 2 件" in response.content.decode()
    assert set(Case.objects.filter(pk__in=[a1.pk, a2.pk]).values_list("state", flat=True)) == {
        CaseState.SIGNED
    }
    c1, c2 = case_in(CaseState.ACCEPTED), case_in(CaseState.ACCEPTED)
    client.force_login(office_user)
    url = f"/admin/bulk/complaints/case/assign/?id={c1.pk}&id={c2.pk}&next=/admin/cases/"
    response = client.post(url, {"title": "第47周"}, follow=True)
    assert "已交办 2 件" in response.content.decode()
    c1.refresh_from_db()
    assert c1.state == CaseState.ASSIGNED
    # a department cannot batch-assign, the office cannot bulk-sign
    assert client.get(f"/admin/bulk/complaints/case/sign/?id={a1.pk}").status_code == 404
    client.force_login(handler)
    assert client.get(f"/admin/bulk/complaints/case/assign/?id={c1.pk}").status_code == 404
