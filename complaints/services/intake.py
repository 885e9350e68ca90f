"""Intake of clues: netizen complaints, monitors' monthly reports, Open311 requests.

Owns: the one check of a complaint's text (every way a text comes in), what a clue must name
(category, the official or unit), a named complainant's contact (stored encrypted; an
anonymous one leaves no contact, address or user agent), and filing the case with its number,
receipt, attachments, audit event and first notice.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import is_monitor
from portal.audit.services import audit_append
from portal.core import crypto
from portal.core.dates import month_start
from portal.core.phone import is_mobile, mobile_or_none

from ..attachments import attachments_clean, attachments_store
from ..choices import ActorKind, CaseSource, CaseState, SubjectKind
from ..models import Case, Category
from .followups import case_notify_enqueue
from .receipts import (
    Receipt,
    receipt_code_new,
    receipt_hash_make,
    receipt_make,
    text_digest,
    tracking_number_next,
)

ERR_TEXT_EMPTY = _("请填写投诉内容")
ERR_TEXT_LONG = _("投诉内容不能超过 %(n)s 字")
ERR_CATEGORY = _("请选择有效的投诉类别")
ERR_OFFICIAL = _("请选择被投诉人员")
ERR_UNIT = _("请选择被投诉单位")
ERR_MOBILE = _("请输入11位手机号 (11-digit mobile number)")
ERR_NAMED_CONTACT = _("实名投诉请填写姓名和手机号或电子邮箱")
ERR_MONTH = _("请选择报告月份")


def complaint_text_error(text: str) -> ValidationError | None:
    """What is wrong with the (stripped) text of a complaint, report or message, or None.

    The one check for every way a text comes in — web forms, monitors' reports, messages and
    Open311, which turns the codes "required" and "max_length" into its own error format."""
    if not text.strip():
        return ValidationError(ERR_TEXT_EMPTY, code="required")
    if len(text) > settings.COMPLAINT_TEXT_MAX_CHARS:
        return ValidationError(
            ERR_TEXT_LONG, code="max_length", params={"n": settings.COMPLAINT_TEXT_MAX_CHARS}
        )
    return None


def text_clean(text: str) -> str:
    """The stripped text, or ValidationError on the "text" field."""
    text = (text or "").strip()
    error = complaint_text_error(text)
    if error is not None:
        raise ValidationError({"text": error})
    return text


def _validate(*, text, category, subject_kind, official, unit):
    errors = {}
    text_error = complaint_text_error(text)
    if text_error is not None:
        errors["text"] = text_error
    if not isinstance(category, Category) or not category.active:
        errors["category"] = ERR_CATEGORY
    if subject_kind == SubjectKind.OFFICIAL and official is None:
        errors["official"] = ERR_OFFICIAL
    if subject_kind == SubjectKind.UNIT and unit is None:
        errors["unit"] = ERR_UNIT
    if errors:
        raise ValidationError(errors)


def _case_language() -> str:
    """The active (request) language if the site offers it, else the site's language."""
    language = (translation.get_language() or "").lower()
    offered = {code for code, _name in settings.LANGUAGES}
    return language if language in offered else settings.LANGUAGE_CODE


def case_submit(
    *,
    category,
    text: str,
    subject_kind: str = SubjectKind.GENERAL,
    official=None,
    unit=None,
    title: str = "",
    anonymous: bool = True,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    notify_email: str = "",
    files=(),
    source: str = CaseSource.WEB,
    monitor=None,
    report_month=None,
    open311_client=None,
    latitude=None,
    longitude=None,
    address_string: str = "",
    address_id: str = "",
    open311_token: str = "",
    with_receipt: bool = True,
) -> tuple[Case, Receipt | None]:
    """File a clue. Returns the case and, for receipt holders, the one-time Receipt.

    Anonymous: no contact, no IP, no user agent is stored — the only link back to the
    person is the receipt code they keep (and an optional encrypted notice e-mail).
    """
    text = (text or "").strip()
    if official is not None:
        subject_kind = SubjectKind.OFFICIAL
        unit = unit or official.unit
    elif unit is not None and subject_kind == SubjectKind.GENERAL:
        subject_kind = SubjectKind.UNIT
    _validate(text=text, category=category, subject_kind=subject_kind, official=official, unit=unit)
    if (
        not anonymous
        and monitor is None  # a monitor is known by the account, not by a typed contact
        and not (contact_name.strip() and (contact_phone.strip() or contact_email.strip()))
    ):
        raise ValidationError({"contact_name": ERR_NAMED_CONTACT})
    if contact_phone.strip() and not is_mobile(contact_phone):
        raise ValidationError({"contact_phone": ERR_MOBILE})
    cleaned = attachments_clean(files)
    now = timezone.now()
    code = receipt_code_new() if with_receipt else None
    # the slow hash and the number are taken before the transaction:
    # the day's counter row is locked only for its own short transaction, so submissions do
    # not queue behind each other's hashing and file writes (a failed save leaves a gap)
    receipt_hash = receipt_hash_make(code)  # an unusable hash when there is no code
    number = tracking_number_next(at=now)
    with transaction.atomic():
        case = Case(
            number=number,
            source=source,
            state=CaseState.SUBMITTED,
            submitted_at=now,
            subject_kind=subject_kind,
            official=official,
            unit=unit,
            category=category,
            title=title.strip()[:100],
            text=text,
            text_sha256=text_digest(text),
            anonymous=anonymous,
            receipt_hash=receipt_hash,
            # the page language the complainant wrote in: their notices are written in it
            language=_case_language(),
            monitor=monitor,
            report_month=report_month,
            open311_client=open311_client,
            open311_token=open311_token,
            latitude=latitude,
            longitude=longitude,
            address_string=address_string[:255],
            address_id=address_id[:100],
        )
        if anonymous:
            case.notify_email_enc = crypto.encrypt(notify_email.strip())
        else:
            case.contact_name_enc = crypto.encrypt(contact_name.strip())
            case.contact_phone_enc = crypto.encrypt(mobile_or_none(contact_phone) or "")
            case.contact_email_enc = crypto.encrypt(contact_email.strip())
        case.save()
        attachments_store(case=case, cleaned=cleaned)
        audit_append(
            chain=case.audit_chain,
            action="case.submit",
            obj=case,
            actor=monitor,
            actor_label="" if monitor else str(ActorKind.COMPLAINANT.value),
            after={
                "state": case.state,
                "source": source,
                "anonymous": anonymous,
                "category": category.code,
                "text_sha256": case.text_sha256,
                "attachments": len(cleaned),
            },
        )
        case_notify_enqueue(case=case, event="submitted")
    return case, (receipt_make(case=case, code=code) if code else None)


def monitor_report_submit(
    *, monitor, month, category, text: str, official=None, unit=None, title: str = "", files=()
) -> Case:
    """A monitor's monthly report lands in the office queue as a clue (no receipt code)."""
    if not is_monitor(monitor):
        raise PermissionDenied
    if month is None:
        raise ValidationError({"month": ERR_MONTH})
    case, _ = case_submit(
        category=category,
        text=text,
        official=official,
        unit=unit,
        title=title,
        anonymous=False,
        contact_name=monitor.display_name or monitor.username,
        contact_email=monitor.email,
        source=CaseSource.MONITOR,
        monitor=monitor,
        report_month=month_start(month),
        files=files,
        with_receipt=False,
    )
    return case
