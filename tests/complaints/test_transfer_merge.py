"""Issue 20: a refused transfer goes back to where it was; merging only into a live main case,
which lists its duplicates, and the merged complainant follows the main case's answer."""

import pytest

from complaints.choices import CaseState
from complaints.services.workflow import (
    case_accept,
    case_assign,
    case_sign,
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


def _act(client, case, **data):
    return client.post(f"/office/cases/{case.pk}/act/", data, follow=True)


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
    asked = office.get(f"/office/cases/{case.pk}/").content.decode()
    assert "申请改派至" in asked and "县自然资源局</strong>" in asked

    page = _act(office, case, action="transfer_refuse", reason="属你单位职责").content.decode()

    case.refresh_from_db()
    assert case.state == before
    assert case.proposed_department is None and case.department == dept_a
    assert f"{case.number} · {CaseState(before).label}" in page and "申请改派至" not in page
    event = AuditEvent.objects.filter(chain=case.audit_chain, action="case.transfer_refuse").get()
    assert event.after["state"] == before
