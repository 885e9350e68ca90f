"""Intake of clues: netizen complaints, monitors' monthly reports, Open311 requests.

Owns: tracking numbers (per-day sequence), receipt codes (16 digits, only a slow hash stored),
signed proof of submission, contact encryption, receipt-code follow-up with lock-out, the
complainant's messages and call-back answer, access recovery for named complainants.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.services import audit_append
from portal.outbox.services import outbox_enqueue
from portal.core.dates import month_start
from portal.core.phone import is_mobile, mobile_or_none, phone_normalise
from portal.core.text import ascii_digits

from portal.core import crypto
from ..attachments import attachments_clean
from ..choices import (
    FINAL_STATES,
    ActorKind,
    CallbackResult,
    CaseAction,
    CaseSource,
    CaseState,
    MessageAuthor,
    SubjectKind,
)
from ..models import Attachment, Case, Category, Counter, Message

ERR_TEXT_EMPTY = _("请填写投诉内容 (text is required)")
ERR_TEXT_LONG = _("投诉内容不能超过 %(n)s 字 (text too long)")
ERR_CATEGORY = _("请选择有效的投诉类别 (unknown category)")
ERR_OFFICIAL = _("请选择被投诉人员 (choose the official)")
ERR_UNIT = _("请选择被投诉单位 (choose the unit)")
ERR_MOBILE = _("请输入11位手机号 (11-digit mobile number)")
ERR_NAMED_CONTACT = _("实名投诉请填写姓名和手机号或电子邮箱 (name and phone or e-mail required)")
ERR_CODE = _("受理编号或查询码错误 (wrong tracking number or receipt code)")
ERR_LOCKED = _("查询失败次数过多，该编号已暂时锁定，请 %(minutes)s 分钟后再试 (locked, try later)")
ERR_CALLBACK_STATE = _("当前不在回访阶段 (no call-back is open)")
ERR_CALLBACK_DONE = _("回访评价已提交，不能更改 (call-back already answered)")
ERR_LINK = _("链接无效或已过期 (link invalid or expired)")
ERR_MONTH = _("请选择报告月份 (month required)")
ERR_MESSAGE_CLOSED = _("该投诉件已办结或不予受理，不能再补充留言 (case is closed)")

RECEIPT_DIGITS = 16
TRACK_SALT = "complaints.track"
RECOVER_SALT = "complaints.recover"


class TrackFailed(Exception):
    def __init__(self, message, locked_until=None):
        super().__init__(str(message))
        self.message = message
        self.locked_until = locked_until


@dataclass(frozen=True)
class Receipt:
    """What the complainant takes away. `code` exists only here, never in the database."""

    number: str
    code: str
    submitted_at: datetime
    text_sha256: str
    signature: str

    @property
    def submitted_at_iso(self) -> str:
        """The time exactly as signed (local time, seconds, with the zone offset)."""
        return timezone.localtime(self.submitted_at).isoformat(timespec="seconds")

    @property
    def code_display(self) -> str:
        return " ".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


# --- numbers, codes, signatures --------------------------------------------------------------


def receipt_hash_make(code: str | None) -> str:
    """A slow salted hash of a receipt code, stored the way a password would be.

    Why not the password hasher's 1,000,000 PBKDF2 rounds (0.6 s of CPU per submission and per
    tracking attempt on these machines): a 16-digit random code has 53 bits of entropy and the
    tracking form locks a number after a few failures, so RECEIPT_HASH_ITERATIONS (100,000 by
    default) still costs an offline attacker years per code. check_password reads the rounds
    from the stored hash, so codes hashed with any count keep verifying.
    """
    if code is None:
        return make_password(None)
    hasher = PBKDF2PasswordHasher()
    hasher.iterations = settings.RECEIPT_HASH_ITERATIONS
    return make_password(code, hasher=hasher)


def counter_next(*, key: str) -> int:
    """Next value of a named sequence; the counter row is locked so numbers never repeat."""
    with transaction.atomic():
        Counter.objects.get_or_create(key=key)
        row = Counter.objects.select_for_update().get(key=key)
        row.last += 1
        row.save(update_fields=["last"])
        return row.last


def tracking_number_next(*, at: datetime) -> str:
    day = timezone.localdate(at).strftime("%Y%m%d")
    return f"TS{day}-{counter_next(key='TS' + day):04d}"


def receipt_code_new() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def normalise_code(value: str) -> str:
    return ascii_digits(value)


def normalise_number(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def _proof_message(number: str, submitted_at_iso: str, text_sha256: str) -> bytes:
    return f"{number}|{submitted_at_iso}|{text_sha256}".encode()


def receipt_sign(*, number: str, submitted_at: datetime, text_sha256: str) -> str:
    iso = timezone.localtime(submitted_at).isoformat(timespec="seconds")
    key = settings.RECEIPT_SIGNING_KEY.encode()
    return hmac.new(key, _proof_message(number, iso, text_sha256), hashlib.sha256).hexdigest()


def receipt_verify(*, number: str, submitted_at: str, text_sha256: str, signature: str) -> dict:
    """Check a receipt: is the signature ours, and does it match a stored case?"""
    key = settings.RECEIPT_SIGNING_KEY.encode()
    expected = hmac.new(
        key,
        _proof_message(number.strip(), submitted_at.strip(), text_sha256.strip().lower()),
        hashlib.sha256,
    ).hexdigest()
    valid = hmac.compare_digest(expected, (signature or "").strip().lower())
    case = Case.objects.filter(number=normalise_number(number)).first() if valid else None
    matches = bool(
        case
        and case.text_sha256 == text_sha256.strip().lower()
        and timezone.localtime(case.submitted_at).isoformat(timespec="seconds")
        == submitted_at.strip()
    )
    return {"signature_valid": valid, "matches_case": matches}


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- submission ------------------------------------------------------------------------------


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


def _text_clean(text: str) -> str:
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
        _attachments_store(case=case, cleaned=cleaned)
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
        _notify(case=case, event="submitted")
    receipt = None
    if code:
        receipt = Receipt(
            number=case.number,
            code=code,
            submitted_at=now,
            text_sha256=case.text_sha256,
            signature=receipt_sign(
                number=case.number, submitted_at=now, text_sha256=case.text_sha256
            ),
        )
    return case, receipt


def _attachments_store(*, case, cleaned, message=None, evidence=False):
    for data, ctype, ext, digest in cleaned:
        att = Attachment(
            case=case,
            message=message,
            content_type=ctype,
            size=len(data),
            sha256=digest,
            evidence=evidence,
        )
        att.file.save(f"{secrets.token_hex(16)}.{ext}", ContentFile(data), save=False)
        att.save()


def _notify(*, case, event):
    # through the outbox: the notice is stored with the change and sent after commit, so a
    # broker outage neither loses it nor turns a saved complaint into an error page
    from ..tasks import case_notify_task

    outbox_enqueue(case_notify_task, kwargs={"case_id": case.pk, "event": event})


def monitor_report_submit(
    *, monitor, month, category, text: str, official=None, unit=None, title: str = "", files=()
) -> Case:
    """A monitor's monthly report lands in the office queue as a clue (no receipt code)."""
    from portal.accounts.roles import is_monitor

    if not is_monitor(monitor):
        from django.core.exceptions import PermissionDenied

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


# --- follow-up with the receipt code ---------------------------------------------------------


def case_track_open(*, number: str, code: str) -> Case:
    """Open a case with number + code. Failures count; after TRACK_MAX_FAILURES the number is
    locked for TRACK_LOCK_MINUTES (even the right code is refused while locked)."""
    number, code = normalise_number(number), normalise_code(code)
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(number=number).first()
        if case is None:
            # same work and answer as a wrong code, so numbers cannot be probed
            check_password(code, receipt_hash_make("0" * RECEIPT_DIGITS))
            raise TrackFailed(ERR_CODE)
        if case.track_locked_until and case.track_locked_until > now:
            raise TrackFailed(
                ValidationError(
                    ERR_LOCKED, params={"minutes": settings.TRACK_LOCK_MINUTES}
                ).messages[0],
                locked_until=case.track_locked_until,
            )
        if len(code) == RECEIPT_DIGITS and check_password(code, case.receipt_hash):
            if case.track_failures:
                case.track_failures = 0
                case.save(update_fields=["track_failures"])
            return case
        case.track_failures += 1
        locked = None
        if case.track_failures >= settings.TRACK_MAX_FAILURES:
            locked = now + timedelta(minutes=settings.TRACK_LOCK_MINUTES)
            case.track_locked_until, case.track_failures = locked, 0
        case.save(update_fields=["track_failures", "track_locked_until"])
    if locked:
        raise TrackFailed(
            ValidationError(ERR_LOCKED, params={"minutes": settings.TRACK_LOCK_MINUTES}).messages[
                0
            ],
            locked_until=locked,
        )
    raise TrackFailed(ERR_CODE)


def track_token_make(*, case) -> str:
    # a short-lived signed link instead of a session: nothing about the visitor is stored
    return signing.dumps({"c": case.pk, "h": case.receipt_hash[-16:]}, salt=TRACK_SALT)


def track_token_open(*, token: str) -> Case | None:
    try:
        data = signing.loads(token, salt=TRACK_SALT, max_age=settings.TRACK_LINK_MINUTES * 60)
    except signing.BadSignature:
        return None
    case = Case.objects.filter(pk=data.get("c")).first()
    if case is None or case.receipt_hash[-16:] != data.get("h"):
        return None
    return case


def message_post(*, case, author_kind: str, text: str, author=None, files=()) -> Message:
    """Add to the two-way thread (complainant by receipt code, office or department)."""
    text = _text_clean(text)
    if author_kind == MessageAuthor.COMPLAINANT and case.state in FINAL_STATES:
        raise ValidationError({"text": ERR_MESSAGE_CLOSED})
    cleaned = attachments_clean(files)
    with transaction.atomic():
        message = Message.objects.create(
            case=case, author_kind=author_kind, author=author, text=text
        )
        _attachments_store(case=case, cleaned=cleaned, message=message)
        audit_append(
            chain=case.audit_chain,
            action="case.message",
            obj=case,
            actor=author,
            actor_label="" if author else author_kind,
            after={
                "message": message.pk,
                "author_kind": author_kind,
                "text_sha256": text_digest(text),
            },
        )
        if author_kind != MessageAuthor.COMPLAINANT:
            _notify(case=case, event="message")
    return message


def callback_answer(*, case, result: str, comment: str = "") -> Case:
    """The complainant's call-back answer (回访). Final once given; not satisfied reopens the
    case once (it goes back to the department) — after that the office decides."""
    from .workflow import case_transition

    if result not in CallbackResult.values:
        raise ValidationError({"result": ERR_CALLBACK_STATE})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.state != CaseState.CALLBACK:
            raise ValidationError({"result": ERR_CALLBACK_STATE})
        if case.callback_result:
            raise ValidationError({"result": ERR_CALLBACK_DONE})
        case.callback_result, case.callback_at = result, timezone.now()
        case.save(update_fields=["callback_result", "callback_at", "updated_at"])
        if comment.strip():
            Message.objects.create(
                case=case, author_kind=MessageAuthor.COMPLAINANT, text=comment.strip()[:4000]
            )
        audit_append(
            chain=case.audit_chain,
            action="case.callback",
            obj=case,
            actor_label=ActorKind.COMPLAINANT.value,
            after={"callback_result": result},
        )
        if (
            result == CallbackResult.NOT_SATISFIED
            and case.reopen_count < settings.CASE_REOPEN_LIMIT
        ):
            case = case_transition(
                case=case,
                action=CaseAction.REOPEN,
                actor_kind=ActorKind.COMPLAINANT,
                reason=str(_("投诉人对办理结果不满意，重新办理")),
            )
    return case


ERR_RETALIATION_NAMED = _("只有实名投诉人可以反映打击报复 (named complainants only)")


def retaliation_report(*, case, text: str) -> Case:
    """A named complainant reports retaliation: a linked, urgent case the office keeps.

    The new case opens with the same receipt code; it is accepted at once and can never be
    assigned to the department complained about (workflow.case_transition refuses it)."""
    from .workflow import case_transition

    if case.anonymous or case.source != CaseSource.WEB:
        raise ValidationError({"text": ERR_RETALIATION_NAMED})
    text = _text_clean(text)
    now = timezone.now()
    with transaction.atomic():
        linked = Case.objects.create(
            number=tracking_number_next(at=now),
            source=CaseSource.WEB,
            submitted_at=now,
            subject_kind=case.subject_kind,
            official=case.official,
            unit=case.unit,
            category=case.category,
            title=str(_("反映打击报复")),
            text=text,
            text_sha256=text_digest(text),
            anonymous=False,
            receipt_hash=case.receipt_hash,
            contact_name_enc=case.contact_name_enc,
            contact_phone_enc=case.contact_phone_enc,
            contact_email_enc=case.contact_email_enc,
            related_to=case,
            urgent=True,
            retaliation=True,
        )
        audit_append(
            chain=linked.audit_chain,
            action="case.submit",
            obj=linked,
            actor_label=ActorKind.COMPLAINANT.value,
            after={
                "state": linked.state,
                "source": linked.source,
                "anonymous": False,
                "retaliation": True,
                "related_to": case.number,
                "text_sha256": linked.text_sha256,
            },
        )
        linked = case_transition(
            case=linked,
            action=CaseAction.ACCEPT,
            actor_kind=ActorKind.SYSTEM,
            reason=str(_("打击报复线索，效能办直接办理")),
        )
        _notify(case=linked, event="submitted")
    return linked


# --- recovering a lost code (named complainants only) ----------------------------------------


def _contact_matches(case, contact: str) -> str | None:
    contact = (contact or "").strip().lower()
    if not contact:
        return None
    if "@" in contact:
        email = crypto.decrypt(case.contact_email_enc).lower()
        return "email" if email and hmac.compare_digest(email, contact) else None
    phone = phone_normalise(crypto.decrypt(case.contact_phone_enc))
    given = phone_normalise(contact)
    return "phone" if phone and hmac.compare_digest(phone, given) else None


def receipt_recover_request(*, number: str, contact: str) -> None:
    """If the contact matches the named case, send a one-time link to that contact.
    Silent either way, so nobody learns whether a number or contact exists."""
    case = Case.objects.filter(
        number=normalise_number(number), anonymous=False, source=CaseSource.WEB
    ).first()
    if case is None:
        return
    channel = _contact_matches(case, contact)
    if channel is None:
        return
    from ..tasks import receipt_recover_send_task

    outbox_enqueue(receipt_recover_send_task, kwargs={"case_id": case.pk, "channel": channel})


def recover_token_make(*, case) -> str:
    return signing.dumps({"c": case.pk, "h": case.receipt_hash[-16:]}, salt=RECOVER_SALT)


def receipt_reissue(*, token: str) -> tuple[Case, Receipt]:
    """Open a recovery link: a new code replaces the old one (the link works once)."""
    try:
        data = signing.loads(
            token, salt=RECOVER_SALT, max_age=settings.RECEIPT_RECOVERY_MINUTES * 60
        )
    except signing.BadSignature as exc:
        raise ValidationError(ERR_LINK) from exc
    code = receipt_code_new()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=data.get("c")).first()
        if case is None or case.receipt_hash[-16:] != data.get("h"):
            raise ValidationError(ERR_LINK)
        case.receipt_hash = receipt_hash_make(code)
        case.track_failures, case.track_locked_until = 0, None
        case.save(update_fields=["receipt_hash", "track_failures", "track_locked_until"])
        audit_append(
            chain=case.audit_chain,
            action="case.receipt_reissue",
            obj=case,
            actor_label=ActorKind.COMPLAINANT.value,
            after={},
        )
    return case, Receipt(
        number=case.number,
        code=code,
        submitted_at=case.submitted_at,
        text_sha256=case.text_sha256,
        signature=receipt_sign(
            number=case.number, submitted_at=case.submitted_at, text_sha256=case.text_sha256
        ),
    )


def contact_keys_rotate() -> int:
    """Re-encrypt every contact field with the newest key; returns the number of cases."""
    fields = ["contact_name_enc", "contact_phone_enc", "contact_email_enc", "notify_email_enc"]
    count = 0
    for case in Case.objects.only("pk", *fields).iterator(chunk_size=500):
        for field in fields:
            setattr(case, field, crypto.rotate(getattr(case, field)))
        case.save(update_fields=fields)
        count += 1
    return count


def open311_client_register(*, name: str):
    """Register an Open311 client; the api_key is returned once, only its SHA-256 is kept."""
    from ..models import Open311Client

    key = secrets.token_urlsafe(24)
    client = Open311Client.objects.create(
        name=name, key_hash=hashlib.sha256(key.encode()).hexdigest()
    )
    return client, key
