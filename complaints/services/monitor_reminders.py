"""Monitors' (监测员) monthly report reminders: by SMS to a monitor with a mobile, by e-mail to
one with an address. A reminder counts as sent only when at least one channel delivered it;
a monitor with neither is recorded as "no contact" (the office sees that on its page and can
add a number). The daily beat task and the office's one-click button both end here."""

import logging
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts import roles
from portal.accounts.guards import Role, require_role
from portal.audit.services import audit_append
from portal.core.dates import month_start
from portal.core.sms import send_sms

from ..choices import ReminderOutcome
from ..models import Case, MonitorReminder

logger = logging.getLogger(__name__)

MONITOR_PATH = "/complaints/monitor/"


def _monitors():
    return get_user_model().objects.filter(groups__name=roles.MONITOR, is_active=True).distinct()


def _deliver(*, monitor, month: date) -> list[str]:
    """Send by every channel the monitor has; returns the channels that delivered. A failing
    provider is logged, never raised: the other channel still goes out."""
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + MONITOR_PATH
    text = _("您尚未提交 %(m)s 月监测信息，请登录 %(u)s 填报。") % {
        "m": month.strftime("%Y-%m"),
        "u": link,
    }
    channels = []
    if monitor.mobile:
        try:
            send_sms(phone=monitor.mobile, text=text)
        except Exception:  # any provider failure
            logger.warning("monitor reminder SMS failed for user %s", monitor.pk, exc_info=True)
        else:
            channels.append("sms")
    if monitor.email:
        try:
            subject = _("请提交 %(m)s 月监测信息") % {"m": month.strftime("%Y-%m")}
            send_mail(subject, text, None, [monitor.email])
        except Exception:  # any mail-server failure
            logger.warning("monitor reminder e-mail failed for user %s", monitor.pk, exc_info=True)
        else:
            channels.append("email")
    return channels


def _remind(*, monitor, month: date, actor=None, force: bool) -> MonitorReminder | None:
    """Deliver and record one reminder, with its audit event, under the row's lock (two beat
    workers never text a monitor twice). Without `force`, a delivered one is not resent."""
    with transaction.atomic():
        MonitorReminder.objects.get_or_create(
            monitor=monitor, month=month, defaults={"outcome": ReminderOutcome.FAILED}
        )
        reminder = MonitorReminder.objects.select_for_update().get(monitor=monitor, month=month)
        if not force and reminder.outcome == ReminderOutcome.SENT and reminder.channels:
            return None
        before = {"outcome": reminder.outcome, "channels": reminder.channels}
        channels = _deliver(monitor=monitor, month=month)
        if channels:
            reminder.outcome = ReminderOutcome.SENT
        elif not (monitor.mobile or monitor.email):
            reminder.outcome = ReminderOutcome.NO_CONTACT
        else:
            reminder.outcome = ReminderOutcome.FAILED
        reminder.channels = ",".join(channels)
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["outcome", "channels", "sent_at"])
        audit_append(
            chain=f"user:{monitor.pk}",
            action="monitor.reminder",
            obj=reminder,
            actor=actor,
            actor_label="" if actor else "system",
            before=before,
            after={"month": month.isoformat(), "outcome": reminder.outcome, "channels": channels},
        )
    return reminder


def monitor_reminder_send(*, today: date | None = None) -> int:
    """From the reminder day of the month, remind each monitor without a report this month.
    Once delivered, not again that month; "no contact" and failed ones are tried again on the
    next run (a number may have been added). Returns the number of reminders delivered."""
    today = today or timezone.localdate()
    if today.day < settings.MONITOR_REPORT_REMINDER_DAY:
        return 0
    month = month_start(today)
    delivered = MonitorReminder.objects.filter(month=month, outcome=ReminderOutcome.SENT)
    monitors = (
        _monitors()
        .exclude(monitor_reports__report_month=month)
        .exclude(pk__in=delivered.exclude(channels="").values("monitor_id"))
    )
    sent = 0
    for monitor in monitors:
        reminder = _remind(monitor=monitor, month=month, force=False)
        if reminder is not None and reminder.outcome == ReminderOutcome.SENT:
            sent += 1
    return sent


def monitor_reminder_send_one(*, monitor, actor, today: date | None = None) -> MonitorReminder:
    """The office's one-click reminder to one monitor (sent again even if one went before)."""
    require_role(actor, Role.OFFICE)
    if not _monitors().filter(pk=monitor.pk).exists():
        raise ValidationError(_("该账号不是在职监测员。"))
    month = month_start(today or timezone.localdate())
    return _remind(monitor=monitor, month=month, actor=actor, force=True)


def monitor_report_status(*, today: date | None = None) -> tuple[date, list]:
    """Every active monitor with `reported` (a report for this month) and `reminder` (this
    month's MonitorReminder or None), for the office's page."""
    month = month_start(today or timezone.localdate())
    reported = Case.objects.filter(monitor=OuterRef("pk"), report_month=month)
    monitors = list(
        _monitors().annotate(reported=Exists(reported)).order_by("reported", "username")
    )
    reminders = {
        r.monitor_id: r for r in MonitorReminder.objects.filter(month=month, monitor__in=monitors)
    }
    for m in monitors:
        m.reminder = reminders.get(m.pk)
    return month, monitors
