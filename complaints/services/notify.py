"""Notices: complainants (e-mail/SMS when the status changes), departments, monitors, office.

Called by Celery tasks with ids only; contact data is decrypted here, at send time, and never
passes through the broker. Anonymous complainants who opted in get "there is an update" only.

Departments get three kinds of notice for one event: an in-app notice for the unit (always),
e-mail to handlers with an address, and an SMS to handlers with a work mobile when the case is
newly assigned, urgent, supervised (督办) or due tomorrow.
"""

import logging
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts import roles
from portal.core import crypto
from portal.core.sms import send_sms

from ..choices import DEPARTMENT_STATES, CaseState
from ..models import Case
from .monitor_reminders import monitor_reminder_send  # noqa: F401  (the beat task imports it here)
from .notices import department_notice_post

logger = logging.getLogger(__name__)

TRACK_PATH = "/complaints/track/"
# department events that also go out by SMS (any department event of an urgent case does too)
DEPARTMENT_SMS_EVENTS = ("state:assigned", "due_soon", "supervise")


def _site() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def case_notify(*, case: Case, event: str) -> int:
    """Send the notices for one event of one case; returns the number of messages sent."""
    sent = 0
    if event.startswith("state:") or event in ("submitted", "message"):
        sent += _notify_complainant(case=case, event=event)
    if event in MERGED_NOTICE_EVENTS:
        sent += _notify_merged(case=case)
    if event in ("state:assigned", "due_soon", "supervise", "state:in_progress"):
        sent += _notify_department(case=case, event=event)
    if event == "follow_up":
        send_mail(
            _("回头看：投诉件 %(n)s") % {"n": case.number},
            _("投诉件 %(n)s 已到回头看日期 %(d)s，请核查整改落实情况。")
            % {"n": case.number, "d": case.follow_up_on},
            None,
            settings.OFFICE_NOTIFY_EMAILS,
        )
        return 1
    if event in ("supervise",) or (event == "submitted" and case.urgent):
        send_mail(
            _("投诉件 %(n)s 需要关注") % {"n": case.number},
            _("投诉件 %(n)s：%(s)s，办理期限 %(d)s。")
            % {"n": case.number, "s": CaseState(case.state).label, "d": case.deadline or "-"},
            None,
            settings.OFFICE_NOTIFY_EMAILS,
        )
        sent += 1
    return sent


# the main case's answer reaches every complainant merged into it (并单: each keeps a receipt)
MERGED_NOTICE_EVENTS = ("state:callback", "state:closed")


def _notify_merged(*, case) -> int:
    """Each complainant whose case was merged into `case`, in their own channel."""
    sent = 0
    for merged in case.merged_cases.filter(state=CaseState.MERGED):
        with translation.override(merged.language or settings.LANGUAGE_CODE):
            text = _(
                "您反映的问题（受理编号 %(n)s）已并入投诉件 %(m)s 一并办理，该件已%(s)s。"
                "请凭您自己的受理编号和查询码查看答复。"
            ) % {"n": merged.number, "m": case.number, "s": CaseState(case.state).label}
            sent += _send_complainant(case=merged, text=text)
    return sent


def _send_complainant(*, case, text) -> int:
    """The one send block of a complainant's notice: a named complainant's text by e-mail and
    SMS; an anonymous one who opted in gets only "there is an update" (no content, no status,
    nothing else about the case)."""
    if case.anonymous:
        email = crypto.decrypt(case.notify_email_enc)
        if not email:
            return 0
        send_mail(
            _("您关注的投诉有新进展"),
            _("您关注的投诉 %(n)s 有新进展，请凭受理编号和查询码登录 %(u)s 查看。")
            % {"n": case.number, "u": _site() + TRACK_PATH},
            None,
            [email],
        )
        return 1
    sent = 0
    email = crypto.decrypt(case.contact_email_enc)
    phone = crypto.decrypt(case.contact_phone_enc)
    if email:
        send_mail(_("投诉办理进展 %(n)s") % {"n": case.number}, text, None, [email])
        sent += 1
    if phone:
        send_sms(phone=phone, text=text)
        sent += 1
    return sent


def _notify_complainant(*, case, event) -> int:
    """In the complainant's language (stored at intake), not that of the staff member whose
    action triggered the notice."""
    with translation.override(case.language or settings.LANGUAGE_CODE):
        return _notify_complainant_in_language(case=case, event=event)


def _notify_complainant_in_language(*, case, event) -> int:
    if case.monitor_id and event == "submitted":
        return 0
    if case.anonymous and event == "submitted":
        return 0  # the anonymous complainant holds the receipt already
    if event == "submitted":
        text = _("您的投诉已收到，受理编号 %(n)s。请妥善保管查询码。") % {"n": case.number}
    elif event == "message":
        text = _("您的投诉 %(n)s 有新的回复留言，请凭受理编号和查询码查看。") % {"n": case.number}
    else:
        text = _("您的投诉 %(n)s 状态更新为：%(s)s。请凭受理编号和查询码查看。") % {
            "n": case.number,
            "s": CaseState(case.state).label,
        }
    return _send_complainant(case=case, text=text)


def _notify_department(*, case, event) -> int:
    """In-app notice for the unit, then e-mail, then SMS. Returns the messages sent."""
    if case.department_id is None:
        return 0
    subject = {
        "state:assigned": _("新交办投诉件 %(n)s"),
        "due_soon": _("投诉件 %(n)s 明天到期"),
        "supervise": _("督办：投诉件 %(n)s 已超期"),
        "state:in_progress": _("投诉件 %(n)s 需重新办理"),
    }[event] % {"n": case.number}
    if case.urgent:
        subject = _("【紧急】") + subject
    text = subject + _("，办理期限 %(d)s。") % {"d": case.deadline}
    department_notice_post(unit_id=case.department_id, case=case, event=event, text=text)
    User = get_user_model()
    handlers = User.objects.filter(
        unit_id=case.department_id, groups__name=roles.DEPARTMENT, is_active=True
    ).distinct()
    sent = 0
    emails = [u.email for u in handlers if u.email]
    if emails:
        send_mail(subject, text, None, emails)
        sent += 1
    if event in DEPARTMENT_SMS_EVENTS or case.urgent:
        # SMS last and never raised: a retry of this task (after a mail-server error above)
        # must not text the handlers twice; a failed SMS is logged, the e-mail and the in-app
        # notice still reach the department
        sms_text = text + _("请登录后台办理。")
        for phone in sorted({u.mobile for u in handlers if u.mobile}):
            try:
                send_sms(phone=phone, text=sms_text)
            except Exception:  # any provider failure
                logger.warning("department SMS failed for case %s", case.pk, exc_info=True)
            else:
                sent += 1
    return sent


def office_digest_send(*, today: date | None = None) -> dict:
    """Daily digest to the office: today's intake, overdue and due-soon counts."""
    today = today or timezone.localdate()
    from ..workdays import add_working_days

    counts = {
        "submitted": Case.objects.filter(state=CaseState.SUBMITTED).count(),
        "overdue": Case.objects.filter(state__in=DEPARTMENT_STATES, deadline__lt=today).count(),
        "due_soon": Case.objects.filter(
            state__in=DEPARTMENT_STATES,
            deadline__gte=today,
            deadline__lte=add_working_days(today, 1),
        ).count(),
        "callback": Case.objects.filter(state=CaseState.CALLBACK).count(),
    }
    send_mail(
        _("效能办每日摘要 %(d)s") % {"d": today.isoformat()},
        _(
            "待受理 %(submitted)s 件；超期 %(overdue)s 件；即将到期 %(due_soon)s 件；待回访 %(callback)s 件。"
        )
        % counts,
        None,
        settings.OFFICE_NOTIFY_EMAILS,
    )
    return counts
