"""The back office is findable from the Wagtail admin: every staff list or landing page is in
the admin menu of each role that may open it, and the dashboard shows, per role, the queues
that need a person now, with counts that are the database's (a department: its own unit's)."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from complaints.choices import CaseState
from complaints.models import Case
from complaints.services.workflow import case_accept, case_assign
from portal.accounts import roles
from portal.evaluation.models import AppealStatus, CallBack, RatingAppeal
from portal.evaluation.review import appeal_file
from tests.factories import RatingFactory

pytestmark = pytest.mark.django_db

STAFF_PREFIXES = ("office/", "dept/", "admin/cases/", "admin/evaluation/", "admin/monitor-reports/")


def _plain_routes(patterns=None, prefix=""):
    """Every URL of the URLconf without a parameter (no object id in it)."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _plain_routes(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern):
            full = prefix + route
            if "<" in full or "(" in full or "^" in full or "$" in full:
                continue
            yield "/" + full


def staff_landing_routes():
    return sorted(
        {
            r
            for r in _plain_routes()
            # a listing's results/ is its AJAX fragment, not a page of its own
            if r.lstrip("/").startswith(STAFF_PREFIXES) and not r.endswith("/results/")
        }
    )


@pytest.fixture
def accounts(make_user, make_unit, db):
    from django.contrib.auth import get_user_model

    unit = make_unit(name="县人社局")
    su = get_user_model().objects.create_superuser("root-menu", password="pw-2026-x")
    return {
        "office": make_user(roles.OFFICE),
        "leader": make_user(roles.LEADER),
        "department": make_user(roles.DEPARTMENT, unit=unit),
        "editor": make_user(roles.EDITOR),
        "monitor": make_user(roles.MONITOR),
        "superuser": su,
    }


def _walk_urls(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "url" and isinstance(value, str):
                found.add(value)
            else:
                _walk_urls(value, found)
    elif isinstance(node, list):
        for item in node:
            _walk_urls(item, found)
    return found


def menu_urls(client, user) -> set[str]:
    """The links of the admin sidebar as rendered for this user on the page signing in lands
    on (empty without admin)."""
    client.force_login(user)
    response = client.get("/admin/", follow=True)
    if response.status_code != 200:
        return set()
    found = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found, "no admin sidebar on the dashboard"
    return _walk_urls(json.loads(found.group(1)), set())


def test_the_walk_finds_the_staff_pages():
    routes = staff_landing_routes()
    for expected in (
        "/admin/cases/",
        "/admin/cases/inbox/",
        "/admin/evaluation/office/",
        "/admin/evaluation/scores/",
    ):
        assert expected in routes


def test_every_staff_landing_page_is_in_the_menu_of_each_role_that_may_open_it(client, accounts):
    routes = staff_landing_routes()
    missing = []
    for role, user in accounts.items():
        menu = {url.split("?")[0].split("#")[0] for url in menu_urls(client, user)}
        client.force_login(user)
        for route in routes:
            if client.get(route).status_code != 200:
                continue  # not this role's page, or an action (POST only / one-time)
            # a creation form is reached from its list page, which must be in the menu
            target = route[: -len("new/")] if route.endswith("/new/") else route
            if target not in menu:
                missing.append((role, route))
    assert not missing, missing


def test_menu_entries_are_hidden_from_roles_that_may_not_open_them(client, accounts):
    for role in ("department", "editor", "leader"):
        menu = menu_urls(client, accounts[role])
        assert "/office/open311-clients/" not in menu
        assert "/admin/evaluation/office/" not in menu
    assert "/admin/cases/inbox/" not in menu_urls(client, accounts["office"])
    assert "/admin/cases/" not in menu_urls(client, accounts["department"])
    dept_menu = menu_urls(client, accounts["department"])
    unit_id = accounts["department"].unit_id
    assert f"/admin/evaluation/poster/{unit_id}/" in dept_menu
    assert "/admin/evaluation/unit/ratings/" in dept_menu
    assert "/admin/evaluation/unit/codes/" in dept_menu
    assert "/admin/evaluation/tickets/" in dept_menu
    # a monitor's menu holds their own reports and nothing of the back office
    monitor_menu = {u for u in menu_urls(client, accounts["monitor"]) if u.startswith("/")}
    assert "/admin/monitor-reports/" in monitor_menu
    assert not {u for u in monitor_menu if u.startswith(("/office/", "/dept/", "/admin/cases/"))}


# --- dashboard panels ----------------------------------------------------------------------


def panel_rows(html: str, name: str) -> dict[str, int | None]:
    """href -> count of the rows of one dashboard panel (None where a row has no count)."""
    found = re.search(rf'data-portal-panel="{name}".*?</section>', html, re.S)
    assert found, f"no {name} panel"
    rows = {}
    for row in re.findall(r"<tr data-queue.*?</tr>", found.group(0), re.S):
        href = re.search(r'href="([^"]+)"', row).group(1).replace("&amp;", "&")
        count = re.search(r"<strong data-count>(\d+)</strong>", row)
        rows.setdefault(href, []).append(int(count.group(1)) if count else None)
    return rows


def listed(client, url) -> int:
    """How many cases a listing shows."""
    response = client.get(url)
    assert response.status_code == 200, url
    return len(re.findall(r'id="case_\d+_title"', response.content.decode()))


@pytest.fixture
def cases(make_case, make_unit, office_user):
    dept_a, dept_b = make_unit(name="县医保局"), make_unit(name="县住建局")
    make_case()  # to screen
    make_case()
    made = []
    for dept in (dept_a, dept_b, dept_b):
        case, _ = make_case()
        case = case_accept(case=case, actor=office_user)
        made.append(case_assign(case=case, actor=office_user, department=dept))
    yesterday = timezone.localdate() - timedelta(days=1)
    Case.objects.filter(pk=made[1].pk).update(deadline=yesterday, supervised_at=timezone.now())
    Case.objects.filter(pk=made[2].pk).update(state=CaseState.SIGNED, retaliation=True)
    callback, _ = make_case()
    Case.objects.filter(pk=callback.pk).update(state=CaseState.CALLBACK, callback_result="")
    return {"a": dept_a, "b": dept_b, "cases": made}


def test_office_panel_counts_are_the_databases(client, accounts, cases):
    client.force_login(accounts["office"])
    html = client.get("/admin/").content.decode()
    rows = panel_rows(html, "case-queues")
    today = timezone.localdate()
    expected = [
        Case.objects.filter(state=CaseState.SUBMITTED).count(),
        Case.objects.filter(
            state__in=[
                CaseState.ASSIGNED,
                CaseState.SIGNED,
                CaseState.IN_PROGRESS,
                CaseState.TRANSFER_REQUESTED,
            ],
            deadline__lt=today,
        ).count(),
        Case.objects.filter(supervised_at__isnull=False).count(),
        Case.objects.filter(state=CaseState.CALLBACK).count(),
        Case.objects.filter(retaliation=True).count(),
    ]
    links = [
        "/admin/cases/?state=submitted",
        "/admin/cases/?due=overdue",
        "/admin/cases/?supervised=1",
        "/admin/cases/?callback_due=1",
        "/admin/cases/?retaliation=1",
    ]
    assert [rows[u][0] for u in links] == expected == [2, 1, 1, 1, 1]
    # each link is the listing filtered to exactly the cases counted
    for url, n in zip(links, expected, strict=True):
        assert listed(client, url) == n, url


def test_department_panel_counts_only_its_own_units_cases(client, make_user, cases):
    a = make_user(roles.DEPARTMENT, unit=cases["a"])
    b = make_user(roles.DEPARTMENT, unit=cases["b"])
    client.force_login(a)
    rows = panel_rows(client.get("/admin/").content.decode(), "dept-queues")
    # unit B's overdue, signed case and its second assigned case are not counted for A
    assert rows["/admin/cases/inbox/?state=assigned"] == [1]
    assert rows["/admin/cases/inbox/?state=signed"] == [0]
    assert rows["/admin/cases/inbox/?due=overdue"] == [0]
    client.force_login(b)
    rows = panel_rows(client.get("/admin/").content.decode(), "dept-queues")
    own = Case.objects.filter(department=cases["b"])
    assert (
        rows["/admin/cases/inbox/?state=assigned"]
        == [own.filter(state=CaseState.ASSIGNED).count()]
        == [1]
    )
    assert (
        rows["/admin/cases/inbox/?state=signed"]
        == [own.filter(state=CaseState.SIGNED).count()]
        == [1]
    )
    assert rows["/admin/cases/inbox/?due=overdue"] == [1]
    for url in ("/admin/cases/inbox/?state=assigned", "/admin/cases/inbox/?due=overdue"):
        assert listed(client, url) == rows[url][0], url
    # the other roles' panels are not shown to a department
    html = client.get("/admin/").content.decode()
    assert 'data-portal-panel="case-queues"' not in html
    assert 'data-portal-panel="evaluation-queues"' not in html


def test_evaluation_panel_counts_are_the_databases(client, accounts, make_official):
    official = make_official(name="李四")
    bad = RatingFactory(official=official, level=2)
    RatingFactory(official=official, level=2)
    appeal_file(rating=bad, appellant=accounts["office"], grounds="误评")
    client.force_login(accounts["office"])
    rows = panel_rows(client.get("/admin/").content.decode(), "evaluation-queues")
    callbacks = CallBack.objects.filter(recorded_at__isnull=True).count()
    assert rows["/admin/evaluation/office/#callbacks"][0] == callbacks == 2
    assert (
        rows["/admin/evaluation/office/"]
        == [RatingAppeal.objects.filter(status=AppealStatus.PENDING).count()]
        == [1]
    )


def test_unit_panel_links_to_its_own_tickets_ratings_codes_and_poster(client, accounts):
    user = accounts["department"]
    client.force_login(user)
    rows = panel_rows(client.get("/admin/").content.decode(), "unit-evaluation")
    assert set(rows) == {
        "/admin/evaluation/tickets/",
        "/admin/evaluation/unit/ratings/",
        "/admin/evaluation/unit/codes/",
        f"/admin/evaluation/poster/{user.unit_id}/",
    }
    for url in rows:
        assert client.get(url).status_code == 200


def test_the_leader_panel_links_to_the_case_workbench_not_the_old_desk(client, accounts):
    client.force_login(accounts["office"])
    rows = panel_rows(client.get("/admin/").content.decode(), "leader-overview")
    assert "/admin/cases/" in rows and "/admin/evaluation/leader/" in rows
    assert "/office/" not in rows
