"""The one permission guard (portal.accounts.guards), branch by branch: who holds which role,
what a role-level page answers each account, and that another unit's object — or another
monitor's report — is a 404 exactly like a missing one."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from cms.models import Unit
from portal.accounts import guards
from portal.accounts.guards import Role
from portal.accounts.services import staff_user_create

pytestmark = pytest.mark.django_db

ACCOUNTS = [
    "anonymous",
    "office",
    "dept_a",
    "dept_without_unit",
    "monitor",
    "editor",
    "leader",
    "superuser",
]


@pytest.fixture
def units(make_unit):
    return {"a": make_unit(name="县人社局"), "b": make_unit(name="县医保局")}


@pytest.fixture
def accounts(units):
    def user(name, role, unit=None):
        return staff_user_create(
            username=f"guard-{name}", role=role, password="pw-guard-2026", unit=unit
        )

    superuser = get_user_model().objects.create_superuser("guard-root", password="pw-guard-2026")
    return {
        "anonymous": AnonymousUser(),
        "office": user("office", Role.OFFICE),
        "dept_a": user("dept_a", Role.DEPARTMENT, units["a"]),
        "dept_b": user("dept_b", Role.DEPARTMENT, units["b"]),
        "dept_without_unit": user("dept_none", Role.DEPARTMENT),
        "monitor": user("monitor", Role.MONITOR),
        "monitor_b": user("monitor_b", Role.MONITOR),
        "editor": user("editor", Role.EDITOR),
        "leader": user("leader", Role.LEADER),
        "superuser": superuser,
    }


# account -> the roles it holds (a superuser counts as office, editor and leader; a department
# account without a unit handles nothing)
HOLDS = {
    "anonymous": set(),
    "office": {Role.OFFICE},
    "dept_a": {Role.DEPARTMENT},
    "dept_without_unit": set(),
    "monitor": {Role.MONITOR},
    "editor": {Role.EDITOR},
    "leader": {Role.LEADER},
    "superuser": {Role.OFFICE, Role.EDITOR, Role.LEADER},
}


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("role", list(Role))
def test_who_holds_which_role(accounts, account, role):
    assert guards.holds(accounts[account], role) is (role in HOLDS[account])


def test_holds_any_of_several_roles(accounts):
    assert guards.holds(accounts["leader"], Role.OFFICE, Role.LEADER)
    assert not guards.holds(accounts["editor"], Role.OFFICE, Role.LEADER)
    assert not guards.holds(accounts["office"])


def _view(request, pk=None):
    return HttpResponse(f"ok {pk}")


def _call(view, user, **kwargs):
    request = RequestFactory().get("/office/somewhere/")
    request.user = user
    return view(request, **kwargs)


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("hide", [False, True])
def test_a_role_level_page_answers_each_account(accounts, account, hide):
    view = guards.role_required(Role.OFFICE, Role.LEADER, hide=hide)(_view)
    user = accounts[account]
    if account == "anonymous":
        response = _call(view, user, pk=7)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    elif HOLDS[account] & {Role.OFFICE, Role.LEADER}:
        assert _call(view, user, pk=7).content == b"ok 7"
    else:
        with pytest.raises(Http404 if hide else PermissionDenied):
            _call(view, user, pk=7)


def test_role_required_needs_a_role_and_keeps_the_view_name():
    with pytest.raises(TypeError):
        guards.role_required()
    assert guards.role_required(Role.OFFICE)(_view).__name__ == "_view"


def test_require_role_refuses_inside_a_page(accounts):
    guards.require_role(accounts["office"], Role.OFFICE)
    with pytest.raises(PermissionDenied):
        guards.require_role(accounts["leader"], Role.OFFICE)
    with pytest.raises(Http404):
        guards.require_role(accounts["leader"], Role.OFFICE, hide=True)


def test_a_service_lets_the_operator_through_only_where_it_says_so(accounts):
    """actor None is a management command on the server: let through only with system_ok;
    a signed-out visitor or another role is refused either way."""
    guards.require_role(None, Role.OFFICE, system_ok=True)
    with pytest.raises(PermissionDenied):
        guards.require_role(None, Role.OFFICE)
    for name in ("anonymous", "dept_a", "leader"):
        with pytest.raises(PermissionDenied):
            guards.require_role(accounts[name], Role.OFFICE, system_ok=True)


# account -> which of the two units it sees, with the office seeing all (the default) and with
# the leader added to those who see all
SCOPE = {
    "anonymous": (set(), set()),
    "office": ({"a", "b"}, {"a", "b"}),
    "dept_a": ({"a"}, {"a"}),
    "dept_b": ({"b"}, {"b"}),
    "dept_without_unit": (set(), set()),
    "monitor": (set(), set()),
    "editor": (set(), set()),
    "leader": (set(), {"a", "b"}),
    "superuser": ({"a", "b"}, {"a", "b"}),
}


@pytest.mark.parametrize("account", sorted(SCOPE))
def test_unit_scope_gives_each_account_its_units(accounts, units, account):
    names = {u.pk: n for n, u in units.items()}
    office_only, with_leader = SCOPE[account]
    user = accounts[account]
    seen = guards.unit_scope(user, Unit.objects.all(), unit_field="pk")
    assert {names[u.pk] for u in seen} == office_only
    seen = guards.unit_scope(
        user, Unit.objects.all(), unit_field="pk", see_all=(Role.OFFICE, Role.LEADER)
    )
    assert {names[u.pk] for u in seen} == with_leader


@pytest.mark.parametrize("account", sorted(SCOPE))
@pytest.mark.parametrize("unit", ["a", "b"])
def test_another_units_object_is_a_404_like_a_missing_one(accounts, units, account, unit):
    user = accounts[account]
    if unit in SCOPE[account][0]:
        found = guards.unit_object_or_404(
            user, Unit.objects.all(), unit_field="pk", pk=units[unit].pk
        )
        assert found == units[unit]
    else:
        with pytest.raises(Http404):
            guards.unit_object_or_404(user, Unit.objects.all(), unit_field="pk", pk=units[unit].pk)
    with pytest.raises(Http404):
        guards.unit_object_or_404(user, Unit.objects.all(), unit_field="pk", pk=999_999)


def test_a_department_reaches_objects_through_a_related_unit(accounts, units, make_official):
    from cms.models import OfficialPage

    official = make_official(name="李安", unit=units["a"])
    qs = OfficialPage.objects.all()
    assert (
        guards.unit_object_or_404(accounts["dept_a"], qs, unit_field="unit_id", pk=official.pk)
        == official
    )
    with pytest.raises(Http404):
        guards.unit_object_or_404(accounts["dept_b"], qs, unit_field="unit_id", pk=official.pk)


def test_another_monitors_report_is_a_404(accounts, units):
    import datetime

    from complaints.models import Case, Category
    from complaints.services import monitor_report_submit

    category, _ = Category.objects.get_or_create(code="efficiency", defaults={"name": "办事效率"})
    report = monitor_report_submit(
        monitor=accounts["monitor"],
        category=category,
        month=datetime.date.today().replace(day=1),
        text="某窗口午休时间无人值守。",
        unit=units["a"],
    )
    qs = Case.objects.all()
    assert (
        guards.own_object_or_404(accounts["monitor"], qs, owner_field="monitor", pk=report.pk)
        == report
    )
    for other in ("monitor_b", "office", "anonymous"):
        with pytest.raises(Http404):
            guards.own_object_or_404(accounts[other], qs, owner_field="monitor", pk=report.pk)
