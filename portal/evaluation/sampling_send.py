"""Texting one SMS invitation of the sampling channel (sampling.py samples; the task sends)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.audit.services import audit_append
from portal.core import crypto

from .models_sampling import ServiceRecord, SmsInvitation

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
    if not record.phone_encrypted:
        return False  # past SERVICE_RECORD_PHONE_DAYS: the phone is forgotten
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


def service_record_phones_forget(*, now=None) -> int:
    """Blank the encrypted phone of every service record imported more than
    SERVICE_RECORD_PHONE_DAYS ago (run daily by beat): the phone served only to text the
    invitation. One audit event says how many were forgotten, never which phones."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SERVICE_RECORD_PHONE_DAYS)
    with transaction.atomic():
        forgotten = (
            ServiceRecord.objects.filter(created_at__lt=cutoff)
            .exclude(phone_encrypted="")
            .update(phone_encrypted="")
        )
        if forgotten:
            audit_append(
                chain="sampling-retention",
                action="service_record_phones_forget",
                object_type="evaluation.servicerecord",
                after={"forgotten": forgotten, "before": cutoff.isoformat()},
            )
    return forgotten
