"""Texting one SMS invitation of the sampling channel (sampling.py samples; the task sends)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.core import crypto

from .models_sampling import SmsInvitation

INVITATION_TEXT = _(
    "【效能测评】您好，您于%(day)s在%(unit)s办理的业务已办结。请回复数字评价本次服务："
    "1 满意，2 基本满意，3 不满意（可在数字后附理由）。回复免费，%(hours)s小时内有效。"
)


@transaction.atomic
def sms_invitation_send(*, invitation_id: int) -> bool:
    """Text the invitation once (a retried task sends nothing twice)."""
    invitation = (
        SmsInvitation.objects.select_for_update(of=("self",))
        .select_related("record__unit")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.sent_at is not None:
        return False
    record = invitation.record
    from portal.core.sms import send_sms

    # the citizen's language is not known: the site's own (the replies "1/2/3" are the same)
    with translation.override(settings.LANGUAGE_CODE):
        text = INVITATION_TEXT % {
            "day": f"{timezone.localtime(record.finished_at):%m月%d日}",
            "unit": record.unit.name,
            "hours": settings.SMS_INVITATION_HOURS,
        }
    send_sms(phone=crypto.decrypt(record.phone_encrypted), text=text)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    return True
