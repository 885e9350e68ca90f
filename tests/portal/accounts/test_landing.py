"""Where each role lands after the real sign-in (POST /admin/login/, then follow): the leader
on the read-only leader page in the admin (the month's report, warnings, rankings, scores);
the monitor on "my monthly reports" in the admin — neither on "您没有权限访问管理后台"; the
office, a department and an editor on the Wagtail dashboard with their panels."""

import pytest

from portal.accounts import roles
from portal.accounts.services import staff_user_create
from portal.evaluation.models import MonthlyReport

pytestmark = pytest.mark.django_db

PASSWORD = "pw-12345678"
REFUSED = ("您没有权限访问管理后台", "You do not have permission to access the admin")


def _sign_in(client, username):
    return client.post("/admin/login/", {"username": username, "password": PASSWORD}, follow=True)


def _refused(html: str) -> bool:
    return any(text in html for text in REFUSED)


def test_leader_lands_on_the_read_only_leader_page(client):
    staff_user_create(username="leader-1", role=roles.LEADER, password=PASSWORD)
    page = _sign_in(client, "leader-1")
    assert page.status_code == 200
    assert page.redirect_chain[-1][0] == "/admin/evaluation/leader/"
    html = page.content.decode()
    assert not _refused(html)
    assert "data-leader-landing" in html and "wagtailadmin" in html
    # the month's report (live before the first is kept): figures, warnings, rankings, scores
    for table in ('data-table="figures"', 'data-table="fair"', 'data-table="units"'):
        assert table in html
    assert 'id="warnings"' in html
    for link in (
        "/admin/evaluation/warnings/",
        "/admin/evaluation/scores/",
        "/admin/evaluation/reports/",
    ):
        assert link in html
        assert client.get(link).status_code == 200  # each link opens for the leader
    # read-only: no form on the page, the office's queues and actions are not the leader's
    assert "<form" not in html.split('id="main"', 1)[-1]
    refused = client.post("/admin/evaluation/reports/")  # Wagtail's denial: back home
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert not MonthlyReport.objects.exists()
    assert client.post("/admin/evaluation/leader/").status_code == 405


def test_leader_page_shows_the_latest_kept_report_with_its_files(client):
    from datetime import date

    from portal.evaluation.reports import monthly_report_build

    monthly_report_build(month=date(2026, 1, 1))
    staff_user_create(username="leader-2", role=roles.LEADER, password=PASSWORD)
    html = _sign_in(client, "leader-2").content.decode()
    assert "2026-01" in html and "月度报告尚未生成" not in html
    assert "/office/evaluation/reports/2026-1.pdf" in html


def test_monitor_lands_on_my_monthly_reports_in_the_admin(client):
    staff_user_create(username="monitor-1", role=roles.MONITOR, password=PASSWORD)
    page = _sign_in(client, "monitor-1")
    assert page.status_code == 200
    assert page.redirect_chain[-1][0] == "/admin/monitor-reports/"
    html = page.content.decode()
    assert not _refused(html)
    assert "data-monitor-form" in html and "data-monitor-history" in html
    # the rest of the Wagtail admin stays closed to a monitor
    assert client.get("/admin/pages/").status_code == 404


@pytest.mark.parametrize(
    "role,unit,landing,marker",
    [
        (roles.OFFICE, False, "/admin/", 'data-portal-panel="case-queues"'),
        (roles.DEPARTMENT, True, "/admin/", 'data-portal-panel="dept-queues"'),
        (roles.EDITOR, False, "/admin/", "wagtail-sidebar-props"),
    ],
)
def test_staff_land_on_the_admin_dashboard_with_their_panels(
    client, role, unit, landing, marker, make_unit
):
    staff_user_create(
        username="staff-1", role=role, password=PASSWORD, unit=make_unit() if unit else None
    )
    page = _sign_in(client, "staff-1")
    assert page.redirect_chain[-1][0] == landing
    assert marker in page.content.decode()


def test_existing_leader_group_gets_admin_access_from_the_migration():
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=str(roles.LEADER))
    group.permissions.clear()
    migration = import_module("portal.accounts.migrations.0005_leader_admin_access")
    migration.grant(apps, None)
    assert group.permissions.filter(codename="access_admin").exists()
    assert Permission.objects.filter(codename="access_admin").exists()
