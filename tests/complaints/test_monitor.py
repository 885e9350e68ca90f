import datetime

import pytest
from django.core import mail

from complaints.choices import CaseSource
from complaints.models import Case, MonitorReminder
from complaints.services import monitor_reminder_send
from complaints.tasks import monitor_reminder_send_task
from portal.accounts import roles

pytestmark = pytest.mark.django_db


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
    return client.post("/complaints/monitor/", data)


def test_monitor_files_a_monthly_report_that_lands_in_the_office_queue(
    client, monitor_user, category, unit
):
    client.force_login(monitor_user)
    response = _report(client, category, unit)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.source == CaseSource.MONITOR and case.monitor == monitor_user
    assert case.report_month.day == 1 and case.unit == unit and case.state == "submitted"
    listing = client.get("/complaints/monitor/").content.decode()
    assert case.number in listing and "待受理" in listing


def test_monitor_sees_only_their_own_reports(client, make_user, category, unit):
    alice, bob = make_user(roles.MONITOR), make_user(roles.MONITOR)
    client.force_login(alice)
    _report(client, category, unit)
    alice_case = Case.objects.get()
    client.force_login(bob)
    assert client.get(f"/complaints/monitor/{alice_case.pk}/").status_code == 404
    assert alice_case.number not in client.get("/complaints/monitor/").content.decode()
    client.force_login(alice)
    assert client.get(f"/complaints/monitor/{alice_case.pk}/").status_code == 200


def test_report_form_needs_a_monitor_login(client, make_user):
    assert client.get("/complaints/monitor/").status_code == 302  # to the login page
    client.force_login(make_user(roles.DEPARTMENT))
    assert client.get("/complaints/monitor/").status_code == 404


def test_report_without_text_gets_a_message(client, monitor_user, category, unit):
    client.force_login(monitor_user)
    response = _report(client, category, unit, text="")
    assert response.status_code == 400
    assert "请填写投诉内容" in response.content.decode()


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
