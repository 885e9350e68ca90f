"""Sending the one-time recovery link to a named complainant's own contact.

Owns the recovery link (signed, RECEIPT_RECOVERY_MINUTES, tied to the current receipt hash so
it works once) and its sending by e-mail or SMS. Run by receipt_recover_send_task; the request
and the new code are receipts.receipt_recover_request / receipt_reissue.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from portal.core import crypto
from portal.core.sms import send_sms

RECOVER_SALT = "complaints.recover"


def recover_token_make(*, case) -> str:
    return signing.dumps({"c": case.pk, "h": case.receipt_hash[-16:]}, salt=RECOVER_SALT)


def recover_token_read(*, token: str) -> dict | None:
    """The link's data while it is fresh and ours, else None (the caller checks the hash)."""
    try:
        return signing.loads(
            token, salt=RECOVER_SALT, max_age=settings.RECEIPT_RECOVERY_MINUTES * 60
        )
    except signing.BadSignature:
        return None


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
