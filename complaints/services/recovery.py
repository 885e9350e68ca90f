"""Sending the one-time recovery link to a named complainant's own contact."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from portal.core.sms import send_sms

from portal.core import crypto
from .intake import recover_token_make


def receipt_recover_send(*, case, channel: str) -> None:
    url = (
        settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        + f"/complaints/recover/{recover_token_make(case=case)}/"
    )
    text = _("您申请找回投诉 %(n)s 的查询码。请在 %(m)s 分钟内打开以下链接获取新查询码：%(u)s") % {
        "n": case.number,
        "m": settings.RECEIPT_RECOVERY_MINUTES,
        "u": url,
    }
    if channel == "email":
        email = crypto.decrypt(case.contact_email_enc)
        if email:
            send_mail(_("找回查询码 %(n)s") % {"n": case.number}, text, None, [email])
    elif channel == "phone":
        phone = crypto.decrypt(case.contact_phone_enc)
        if phone:
            send_sms(phone=phone, text=text)
