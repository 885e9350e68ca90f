import datetime

import pytest
from django.core import mail

from complaints.choices import CaseSource
from complaints.models import Case, MonitorReminder
from complaints.services import monitor_reminder_send
from complaints.tasks import monitor_reminder_send_task
from portal.accounts import roles

pytestmark = pytest.mark.django_db

MINE = "/admin/monitor-reports/"  # "my monthly reports", inside the Wagtail admin (issue 19)


def _report(client, category, unit, **extra):
    month = datetime.date.today().strftime("%Y-%m")
    data = {
        "month": month,
        "subject_kind": "unit",
        "unit": unit.pk,
        "category": category.pk,
        "text": "本月走访企业3家，反映审批窗口材料要求反复变化。",
    }
    data.update(extra)
    return client.post(MINE, data)


def test_monitor_files_a_monthly_report_that_lands_in_the_office_queue(
    client, monitor_user, category, unit
):
    client.force_login(monitor_user)
    response = _report(client, category, unit)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.source == CaseSource.MONITOR and case.monitor == monitor_user
    assert case.report_month.day == 1 and case.unit == unit and case.state == "submitted"
    listing = client.get(MINE).content.decode()
    assert case.number in listing and "待受理" in listing


def test_monitor_sees_only_their_own_reports(client, make_user, category, unit):
    alice, bob = make_user(roles.MONITOR), make_user(roles.MONITOR)
    client.force_login(alice)
    _report(client, category, unit)
    alice_case = Case.objects.get()
    client.force_login(bob)
    assert client.get(f"{MINE}{alice_case.pk}/").status_code == 404
    assert alice_case.number not in client.get(MINE).content.decode()
    client.force_login(alice)
    assert client.get(f"{MINE}{alice_case.pk}/").status_code == 200


def test_report_form_needs_a_monitor_login(client, make_user):
    assert client.get(MINE).status_code == 302  # to the login page
    client.force_login(make_user(roles.DEPARTMENT))
    assert client.get(MINE).status_code == 404


def test_report_without_text_gets_a_message(client, monitor_user, category, unit):
    client.force_login(monitor_user)
    response = _report(client, category, unit, text="")
    assert response.status_code == 400
    assert "请填写监测信息内容" in response.content.decode()


def test_form_and_timeline_speak_of_monitoring_information_not_complaints(
    client, monitor_user, category, unit
):
    client.force_login(monitor_user)
    form = client.get(MINE)
    assert form.status_code == 200
    html = form.content.decode()
    assert "监测信息" in html and "投诉" not in html
    assert "wagtailadmin" in html  # the admin's layout, not the public site's
    report = client.get(_report(client, category, unit)["Location"])
    html = report.content.decode()
    assert "报送监测信息" in html and "投诉" not in html


def test_a_monitor_cannot_open_another_monitors_report_by_id(client, make_user, category, unit):
    alice, bob = make_user(roles.MONITOR), make_user(roles.MONITOR)
    client.force_login(alice)
    _report(client, category, unit)
    report = Case.objects.get()
    client.force_login(bob)
    assert client.get(f"{MINE}{report.pk}/").status_code == 404
    assert client.get(f"/complaints/monitor/{report.pk}/", follow=True).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/admin/pages/",
        "/admin/choose-page/",
        "/admin/pages/search/?q=a",
        "/admin/cases/",
        "/admin/snippets/cms/unit/",
        "/admin/documents/",
    ],
)
def test_inside_the_admin_a_monitor_reaches_only_their_own_pages(client, monitor_user, path):
    client.force_login(monitor_user)
    assert client.get(path).status_code == 404
    assert client.get("/admin/account/").status_code == 200


def test_old_monitor_urls_move_to_the_admin(client, monitor_user):
    response = client.get("/complaints/monitor/?x=1")
    assert response.status_code == 301 and response["Location"] == MINE + "?x=1"


def test_reminder_goes_once_to_monitors_without_a_report_from_the_reminder_day(
    client, make_user, category, unit, settings
):
    settings.MONITOR_REPORT_REMINDER_DAY = 25
    quiet = make_user(roles.MONITOR, email="quiet@example.com")
    busy = make_user(roles.MONITOR, email="busy@example.com")
    client.force_login(busy)
    _report(client, category, unit)
    today = datetime.date.today()
    assert monitor_reminder_send(today=today.replace(day=24)) == 0
    mail.outbox.clear()
    assert monitor_reminder_send(today=today.replace(day=25)) == 1
    assert [m.to for m in mail.outbox] == [["quiet@example.com"]]
    assert monitor_reminder_send(today=today.replace(day=26)) == 0  # once a month
    assert MonitorReminder.objects.filter(monitor=quiet).count() == 1
    assert monitor_reminder_send_task.name == "complaints.tasks.monitor_reminder_send_task"
