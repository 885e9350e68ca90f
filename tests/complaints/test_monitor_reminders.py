"""Monitors' monthly reminders (issue 20): delivered by SMS and/or e-mail, counted only when
delivered, and the office's page of who has not reported with a one-click reminder."""

import datetime

import pytest
from django.core import mail

from complaints.models import MonitorReminder
from complaints.services import monitor_reminder_send
from portal.accounts import roles
from portal.audit.models import AuditEvent
from portal.core import sms

pytestmark = pytest.mark.django_db

URL = "/office/monitors/"


def _monitor(make_user, *, mobile="", email=""):
    user = make_user(roles.MONITOR, email=email)
    user.mobile = mobile
    user.save(update_fields=["mobile"])
    return user


def _reminder_day(settings):
    settings.MONITOR_REPORT_REMINDER_DAY = 25
    return datetime.date.today().replace(day=25)


def test_reminder_counts_only_the_delivered_ones(make_user, settings):
    day = _reminder_day(settings)
    _monitor(make_user)  # neither mobile nor e-mail
    _monitor(make_user)
    reachable = _monitor(make_user, email="m@example.com")
    assert monitor_reminder_send(today=day) == 1
    outcomes = dict(MonitorReminder.objects.values_list("monitor_id", "outcome"))
    assert outcomes[reachable.pk] == "sent"
    assert sorted(outcomes.values()) == ["no_contact", "no_contact", "sent"]


def test_monitor_with_a_mobile_gets_an_sms(make_user, settings):
    day = _reminder_day(settings)
    monitor = _monitor(make_user, mobile="13800138000")
    assert monitor_reminder_send(today=day) == 1
    assert [m["phone"] for m in sms.outbox] == ["13800138000"]
    assert "/complaints/monitor/" in sms.outbox[0]["text"]
    reminder = MonitorReminder.objects.get(monitor=monitor)
    assert reminder.outcome == "sent" and reminder.channels == "sms"
    # delivered: not again this month
    assert monitor_reminder_send(today=day + datetime.timedelta(days=1)) == 0
    assert len(sms.outbox) == 1


def test_a_monitor_without_contact_is_tried_again_once_a_number_is_added(make_user, settings):
    day = _reminder_day(settings)
    monitor = _monitor(make_user)
    assert monitor_reminder_send(today=day) == 0
    monitor.mobile = "13900139000"
    monitor.save(update_fields=["mobile"])
    assert monitor_reminder_send(today=day + datetime.timedelta(days=1)) == 1
    assert [m["phone"] for m in sms.outbox] == ["13900139000"]


def test_office_page_lists_who_has_not_reported(client, make_user, office_user, category, unit):
    reported = _monitor(make_user, email="r@example.com")
    silent = _monitor(make_user)
    client.force_login(reported)
    month = datetime.date.today().strftime("%Y-%m")
    response = client.post(
        "/admin/monitor-reports/",
        {
            "month": month,
            "subject_kind": "unit",
            "unit": unit.pk,
            "category": category.pk,
            "text": "本月走访企业3家。",
        },
    )
    assert response.status_code == 302
    client.force_login(office_user)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "本月监测报告提交情况" in html
    assert f'data-monitor="{silent.pk}" data-reported="0"' in html
    assert f'data-monitor="{reported.pk}" data-reported="1"' in html
    assert "无联系方式" in html  # the silent one has neither mobile nor e-mail
    assert "未提交 1 人" in html


@pytest.mark.parametrize("role", [roles.DEPARTMENT, roles.MONITOR, roles.LEADER])
def test_other_roles_are_refused_the_page_and_the_button(client, make_user, unit, role):
    target = _monitor(make_user, mobile="13800138000")
    client.force_login(make_user(role, unit=unit if role == roles.DEPARTMENT else None))
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"monitor": target.pk}).status_code == 404
    assert sms.outbox == [] and not MonitorReminder.objects.exists()


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_reminder_button_sends_one_sms_and_writes_an_audit_event(client, make_user, office_user):
    monitor = _monitor(make_user, mobile="13800138000")
    client.force_login(office_user)
    page = client.get(URL).content.decode()
    assert "csrfmiddlewaretoken" in page and 'name="monitor"' in page
    response = client.post(URL, {"monitor": monitor.pk})
    assert response.status_code == 302
    assert [m["phone"] for m in sms.outbox] == ["13800138000"]
    event = AuditEvent.objects.get(action="monitor.reminder")
    assert event.actor_id == office_user.pk
    assert MonitorReminder.objects.get(monitor=monitor).outcome == "sent"
    assert "已提醒" in client.get(URL).content.decode()


def test_reminder_button_with_bad_input_is_no_500(client, make_user, office_user):
    other = make_user(roles.DEPARTMENT)
    client.force_login(office_user)
    assert client.post(URL, {"monitor": "x"}).status_code == 404
    assert client.post(URL, {}).status_code == 404
    assert client.post(URL, {"monitor": other.pk}).status_code == 302  # not a monitor: message
    assert sms.outbox == [] and mail.outbox == []
    assert not AuditEvent.objects.filter(action="monitor.reminder").exists()


def test_reminder_button_needs_the_csrf_token(make_user, office_user):
    from django.test import Client

    monitor = _monitor(make_user, mobile="13800138000")
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_user)
    assert client.post(URL, {"monitor": monitor.pk}).status_code == 403
    assert sms.outbox == []


class FailingSms:
    def send(self, *, phone, text):
        raise RuntimeError("provider down")


def test_a_failed_sms_is_not_counted_unless_the_email_went(make_user, settings):
    day = _reminder_day(settings)
    settings.SMS_BACKEND = f"{__name__}.FailingSms"
    sms_only = _monitor(make_user, mobile="13800138000")
    both = _monitor(make_user, mobile="13900139000", email="both@example.com")
    assert monitor_reminder_send(today=day) == 1
    assert MonitorReminder.objects.get(monitor=sms_only).outcome == "failed"
    assert MonitorReminder.objects.get(monitor=both).channels == "email"
    assert [m.to for m in mail.outbox] == [["both@example.com"]]


def test_the_office_enters_a_monitors_mobile_on_the_monitor_page_audited(
    client, make_user, office_user
):
    from portal.audit.models import AuditEvent

    monitor = _monitor(make_user)
    client.force_login(office_user)
    page = client.get(URL).content.decode()
    assert f'id="mobile-{monitor.pk}"' in page
    response = client.post(URL, {"monitor": monitor.pk, "mobile": "138 0013 8000"}, follow=True)
    assert response.status_code == 200 and "已保存" in response.content.decode()
    monitor.refresh_from_db()
    assert monitor.mobile == "13800138000"
    event = AuditEvent.objects.get(chain=f"user:{monitor.pk}", action="user.mobile_set")
    assert event.actor_id == office_user.pk and event.after == {"mobile": "138****8000"}
    # a bad number is refused with a message and the stored one kept
    response = client.post(URL, {"monitor": monitor.pk, "mobile": "12345"}, follow=True)
    assert response.status_code == 200 and "手机号" in response.content.decode()
    monitor.refresh_from_db()
    assert monitor.mobile == "13800138000"
    # and the SMS reminder now reaches the monitor
    assert f'data-monitor="{monitor.pk}"' in response.content.decode()


def test_the_monitor_page_sets_no_other_accounts_number(client, make_user, office_user):
    handler = make_user(roles.DEPARTMENT)
    client.force_login(office_user)
    response = client.post(URL, {"monitor": handler.pk, "mobile": "13800138000"})
    assert response.status_code == 404
    handler.refresh_from_db()
    assert handler.mobile == ""
    client.force_login(make_user(roles.DEPARTMENT))
    monitor = _monitor(make_user)
    assert client.post(URL, {"monitor": monitor.pk, "mobile": "13800138000"}).status_code == 404
    monitor.refresh_from_db()
    assert monitor.mobile == ""
