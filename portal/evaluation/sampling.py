"""Wuhan's SMS sampling channel (短信回访评价): service records in, a random sample invited by
SMS, a reply "1/2/3" becomes exactly one rating through rating_submit.

Owns the rules: a record is stored once per (unit, external id), its phone encrypted; each new
record with an official is invited with probability SMS_SAMPLING_RATE (a record without one is
kept and counted as "no_official": a rating is of a named official); the SMS provider's
reply is accepted only with a valid HMAC signature and applied once per provider message id
(the webhook is off, 404, while SMS_INBOUND_SECRET is empty); the reply answers the newest
open invitation of that phone, once, before SMS_INVITATION_HOURS; the phone is the voter (one
rating per phone, official and month, as on the web) and a staff phone of the unit is refused
(the unit feeds the records: its own staff's phones must not rate it).

Anonymity: the rating stores no phone and does not point at the invitation; the invitation's
answer and the provider's message keep the day only, so their time cannot be joined to the
rating's.
"""

import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from portal.accounts.guards import Role, require_role
from portal.audit.services import audit_append
from portal.core import crypto
from portal.core.phone import is_mobile, phone_normalise
from portal.core.text import id_or_none
from portal.outbox.services import outbox_enqueue

from . import rules
from .choices import Channel
from .models_sampling import (
    ServiceRecord,
    ServiceRecordSource,
    SmsInbound,
    SmsInvitation,
    WindowSystemEndpoint,
)

MSG_ROW_PHONE = _("第 %(row)s 行：手机号不正确")
MSG_ROW_TIME = _("第 %(row)s 行：办结时间不正确（例如 2026-12-01 09:30）")
MSG_ROW_ID = _("第 %(row)s 行：缺少办件编号")
MSG_ROW_OFFICIAL = _("第 %(row)s 行：工作人员不属于该单位")
MSG_MALFORMED = _("请求内容格式不正确")
MSG_TOO_MANY_RECORDS = _("一次最多推送 %(n)s 条办件")
MAX_RECORDS_PER_CALL = 1000
# the reply's digit -> the stored level (rules.LEVELS_THREE; the same numbers on five levels)
REPLY_LEVELS = {"1": 4, "2": 3, "3": 2}


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, "sha256").hexdigest()


def phone_hash(phone: str) -> str:
    return rules.keyed_hash(settings.VOTER_HASH_KEY, "sms-invitation", phone_normalise(phone))


def day_start(moment: datetime) -> datetime:
    """Local midnight of `moment`'s day."""
    return timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class RecordRow:
    external_id: str
    phone: str
    finished_at: datetime
    official: object = None


def record_row_parse(*, row: int, unit, external_id, phone, finished_at, official=None):
    """One row typed by someone (a file, a window system): a RecordRow or ValidationError."""
    external_id = str(external_id or "").strip()[:64]
    if not external_id:
        raise ValidationError(MSG_ROW_ID % {"row": row}, code="external_id")
    if not is_mobile(phone):
        raise ValidationError(MSG_ROW_PHONE % {"row": row}, code="phone")
    when = finished_at if isinstance(finished_at, datetime) else None
    if when is None:
        try:
            when = parse_datetime(str(finished_at or "").strip())
        except ValueError:
            when = None
    if when is None:
        raise ValidationError(MSG_ROW_TIME % {"row": row}, code="finished_at")
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if official is not None and official.unit_id != unit.pk:
        raise ValidationError(MSG_ROW_OFFICIAL % {"row": row}, code="official")
    return RecordRow(external_id, phone_normalise(phone), when, official)


@transaction.atomic
def service_records_import(
    *, unit, rows: list[RecordRow], source: str, actor=None, sample_rate: float | None = None
) -> dict:
    """Store new records (a known external id is skipped: a re-sent file or call is a no-op)
    and invite a random sample (SMS_SAMPLING_RATE; `sample_rate` only for the demo command).
    Returns {"created", "skipped", "invited", "no_official"}."""
    now, rng = timezone.now(), secrets.SystemRandom()
    rate = settings.SMS_SAMPLING_RATE if sample_rate is None else sample_rate
    known = set(
        ServiceRecord.objects.filter(
            unit=unit, external_id__in=[r.external_id for r in rows]
        ).values_list("external_id", flat=True)
    )
    created = invited = no_official = 0
    for row in rows:
        if row.external_id in known:
            continue
        known.add(row.external_id)
        record = ServiceRecord.objects.create(
            unit=unit,
            official=row.official,
            external_id=row.external_id,
            phone_encrypted=crypto.encrypt(row.phone),
            finished_at=row.finished_at,
            source=source,
            imported_by=actor,
            created_at=now,
        )
        created += 1
        # a rating is of an official: a record without one is kept but not invited
        if row.official is None:
            no_official += 1
        elif rng.random() < rate:
            invitation = SmsInvitation.objects.create(
                record=record,
                phone_hash=phone_hash(row.phone),
                created_at=now,
                expires_at=now + timedelta(hours=settings.SMS_INVITATION_HOURS),
            )
            from .tasks import sms_invitation_send_task

            outbox_enqueue(sms_invitation_send_task, kwargs={"invitation_id": invitation.pk})
            invited += 1
    result = {
        "created": created,
        "skipped": len(rows) - created,
        "invited": invited,
        "no_official": no_official,
    }
    if created:
        # counts only: no phone and no record id, so the trail cannot tell who was invited
        audit_append(
            chain=f"sampling:{unit.pk}",
            action="service_records_import",
            object_type="cms.unit",
            object_id=str(unit.pk),
            actor=actor,
            actor_label="" if actor else "window-system",
            after={**result, "source": source},
        )
    return result


def window_records_receive(*, unit_id: str, signature_header: str, body: bytes) -> dict:
    """A unit's window system posts {"records": [{external_id, phone, finished_at,
    official_id?}]}, signed with its secret (HMAC-SHA256 of the body)."""
    endpoint = (
        WindowSystemEndpoint.objects.select_related("unit")
        .filter(unit_id=id_or_none(unit_id), active=True)
        .first()
    )
    if endpoint is None:
        raise PermissionDenied
    secret = crypto.decrypt(endpoint.secret_enc)
    if not hmac.compare_digest(signature(secret, body), signature_header or ""):
        raise PermissionDenied
    try:
        items = json.loads(body)["records"]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise TypeError
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(MSG_MALFORMED, code="malformed") from exc
    if len(items) > MAX_RECORDS_PER_CALL:
        raise ValidationError(MSG_TOO_MANY_RECORDS % {"n": MAX_RECORDS_PER_CALL}, code="too_many")
    unit = endpoint.unit
    from cms.models import OfficialPage

    officials = {o.pk: o for o in OfficialPage.objects.filter(unit=unit) if o.pk is not None}
    rows = []
    for n, item in enumerate(items, start=1):
        official_id = id_or_none(item.get("official_id"))
        if official_id is not None and official_id not in officials:
            raise ValidationError(MSG_ROW_OFFICIAL % {"row": n}, code="official")
        rows.append(
            record_row_parse(
                row=n,
                unit=unit,
                external_id=item.get("external_id"),
                phone=item.get("phone"),
                finished_at=item.get("finished_at"),
                official=officials.get(official_id),
            )
        )
    return service_records_import(unit=unit, rows=rows, source=ServiceRecordSource.API)


@transaction.atomic
def window_endpoint_set(*, unit, actor) -> tuple[WindowSystemEndpoint, str]:
    """The office makes (or re-keys) a unit's window-system endpoint; returns it and its new
    secret (shown once)."""
    require_role(actor, Role.OFFICE)
    secret = secrets.token_urlsafe(32)
    endpoint, _created = WindowSystemEndpoint.objects.update_or_create(
        unit=unit,
        defaults={
            "secret_enc": crypto.encrypt(secret),
            "active": True,
            "created_at": timezone.now(),
        },
    )
    audit_append(
        chain=f"sampling:{unit.pk}",
        action="window_endpoint_set",
        obj=endpoint,
        actor=actor,
        after={"unit": unit.pk},
    )
    return endpoint, secret


# --- the reply ------------------------------------------------------------------------------


def sms_reply_receive(*, signature_header: str, body: bytes) -> dict:
    """The SMS provider's inbound webhook: {"message_id", "phone", "text"}. Returns
    {"result": rated | no-invitation | unparsed, "replayed": bool}."""
    secret = settings.SMS_INBOUND_SECRET
    if not secret or not hmac.compare_digest(signature(secret, body), signature_header or ""):
        raise PermissionDenied
    try:
        data = json.loads(body)
        message_id = str(data["message_id"]).strip()[:100]
        phone, text = str(data["phone"]), str(data.get("text", ""))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(MSG_MALFORMED, code="malformed") from exc
    if not message_id:
        raise ValidationError(MSG_MALFORMED, code="malformed")
    done = SmsInbound.objects.filter(provider_message_id=message_id).first()
    if done is not None:
        return {"result": done.result, "replayed": True}
    try:
        with transaction.atomic():
            result = _reply_apply(phone=phone, text=text)
            SmsInbound.objects.create(
                provider_message_id=message_id, received_at=day_start(timezone.now()), result=result
            )
    except IntegrityError:
        done = SmsInbound.objects.filter(provider_message_id=message_id).first()
        if done is None:
            raise
        return {"result": done.result, "replayed": True}  # the same message, concurrently
    return {"result": result, "replayed": False}


def _reply_apply(*, phone: str, text: str) -> str:
    from .services import RatingData, rating_submit, voter_identity

    text = text.strip()
    level = REPLY_LEVELS.get(text[:1])
    if level is None:
        return "unparsed"
    now = timezone.now()
    invitation = (
        SmsInvitation.objects.select_for_update(of=("self",))
        .select_related("record__official")
        .filter(
            phone_hash=phone_hash(phone),
            sent_at__isnull=False,
            answered_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("-created_at")
        .first()
    )
    if invitation is None:
        return "no-invitation"
    reason = text[1:].strip(" ，,.。:：")[:500]
    if rules.is_bad(level) and not reason:
        reason = "短信回复“3”（不满意），未附理由"
    try:
        rating_submit(
            official=invitation.record.official,
            data=RatingData(level=level, reason=reason, anonymous=True),
            channel=Channel.SMS,
            # the phone is the voter: the unit cannot list one friend on many records
            voter=voter_identity(verified_phone=phone),
            verified_phone=phone,  # a staff phone of the unit is refused
        )
    except ValidationError:
        return "refused"  # a rule of rating_submit (its own savepoint rolled back)
    invitation.answered_at = day_start(now)  # the day only: not joinable to the rating
    # the phone's key has done its job: kept, it would link this person's invitations
    invitation.phone_hash = ""
    invitation.save(update_fields=["answered_at", "phone_hash"])
    return "rated"
