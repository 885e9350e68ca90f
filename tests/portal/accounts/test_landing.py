"""Where each role lands after the real sign-in (POST /admin/login/, then follow): the leader
on a read-only dashboard of the month's report, warnings and scores; the monitor on "my
monthly reports" — neither on "您没有权限访问管理后台"."""

import re

import pytest

from portal.accounts import roles
from portal.accounts.services import staff_user_create
from portal.evaluation.models import OfficialWarning

pytestmark = pytest.mark.django_db

PASSWORD = "pw-12345678"
REFUSED = ("您没有权限访问管理后台", "You do not have permission to access the admin")


def _sign_in(client, username):
    return client.post("/admin/login/", {"username": username, "password": PASSWORD}, follow=True)


def _refused(html: str) -> bool:
    return any(text in html for text in REFUSED)


def test_leader_lands_on_a_read_only_dashboard(client):
    staff_user_create(username="leader-1", role=roles.LEADER, password=PASSWORD)
    page = _sign_in(client, "leader-1")
    assert page.status_code == 200
    assert page.redirect_chain[-1][0] == "/admin/"
    html = page.content.decode()
    assert not _refused(html)
    panel = re.search(r'data-portal-panel="leader-overview".*?</section>', html, re.S).group(0)
    for link in (
        "/office/evaluation/warnings/",
        "/office/evaluation/scores/",
        "/office/evaluation/reports/",
    ):
        assert link in panel
        assert client.get(link).status_code == 200  # each link opens for the leader
    assert f"<strong data-count>{OfficialWarning.objects.count()}</strong>" in panel
    # read-only: the office's own queues and actions are not the leader's
    assert 'data-portal-panel="evaluation-queues"' not in html
    assert client.post("/office/evaluation/reports/").status_code == 403


def test_monitor_lands_on_my_monthly_reports(client):
    staff_user_create(username="monitor-1", role=roles.MONITOR, password=PASSWORD)
    page = _sign_in(client, "monitor-1")
    assert page.status_code == 200
    assert page.redirect_chain[-1][0] == "/complaints/monitor/"
    assert not _refused(page.content.decode())
    # the Wagtail admin itself stays closed to a monitor
    pages = client.get("/admin/pages/")
    assert pages.status_code == 302 and pages["Location"].startswith("/admin/login/")


def test_office_still_lands_on_the_admin_dashboard(client):
    staff_user_create(username="office-1", role=roles.OFFICE, password=PASSWORD)
    page = _sign_in(client, "office-1")
    assert page.redirect_chain[-1][0] == "/admin/"
    assert 'data-portal-panel="case-queues"' in page.content.decode()


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
