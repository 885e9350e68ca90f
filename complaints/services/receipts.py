"""Receipts: what lets a complainant come back without an account.

Owns: tracking numbers (a per-day sequence), receipt codes (16 digits, only a slow hash is
stored), the signed proof of submission and its check, opening a case with number + code
(failures count, then the number locks), the short-lived signed track link, and recovering a
lost code (named complainants only: a one-time link to their own contact, then a new code).
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.hashers import (
    PBKDF2PasswordHasher,
    check_password,
    is_password_usable,
    make_password,
)
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.services import audit_append
from portal.core import crypto, lockout
from portal.core.phone import phone_normalise
from portal.core.text import ascii_digits
from portal.outbox.services import outbox_enqueue

from ..choices import ActorKind, CaseSource
from ..models import Case
from ..tasks.followups import receipt_recover_send_task
from .counters import counter_next
from .recovery import recover_token_read

ERR_CODE = _("受理编号或查询码错误")
ERR_LOCKED = _("您的查询失败次数过多，请 %(minutes)s 分钟后再试")
ERR_CAPTCHA_NEEDED = _("该编号近期查询失败较多，请先填写验证码再查询")
ERR_LINK = _("链接无效或已过期")

RECEIPT_DIGITS = 16
TRACK_SALT = "complaints.track"


class TrackFailed(Exception):
    """A refused tracking attempt: `locked` when this client is locked out of the number,
    `captcha` when the number asks for a solved captcha first."""

    def __init__(self, message, *, locked=False, captcha=False):
        super().__init__(str(message))
        self.message = message
        self.locked = locked
        self.captcha = captcha


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


def receipt_make(*, case, code: str) -> Receipt:
    """The receipt for a case and its (new) code, signed over number, time and text."""
    return Receipt(
        number=case.number,
        code=code,
        submitted_at=case.submitted_at,
        text_sha256=case.text_sha256,
        signature=receipt_sign(
            number=case.number, submitted_at=case.submitted_at, text_sha256=case.text_sha256
        ),
    )


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- follow-up with the receipt code ---------------------------------------------------------


def _dummy_hash() -> str:
    """A hash of the same cost as a stored receipt hash: checked when there is nothing real to
    check, so every answer costs one hash."""
    hasher = PBKDF2PasswordHasher()
    # the format of a stored hash with random salt and digest: checking costs one PBKDF2 of
    # the configured rounds, making it costs none, and no code matches it
    digest = base64.b64encode(secrets.token_bytes(32)).decode()
    return f"{hasher.algorithm}${settings.RECEIPT_HASH_ITERATIONS}${hasher.salt()}${digest}"


def _code_matches(code: str, stored: str) -> bool:
    """Exactly one PBKDF2 run whatever the input: a short code, a missing number and a
    code-less case (an unusable hash, which check_password would refuse without hashing)
    are checked against the dummy hash and fail."""
    usable = is_password_usable(stored) and stored.startswith("pbkdf2_")
    matches = check_password(code, stored if usable else _dummy_hash())
    return matches and usable and len(code) == RECEIPT_DIGITS


def case_track_open(*, number: str, code: str, client: str, captcha_passed: bool = False) -> Case:
    """Open a case with number + code, from `client` (portal.core.ratelimit.client_bucket).

    Two counters, neither of which an attacker can turn against the owner:
    - per (number, client): after TRACK_MAX_FAILURES wrong codes that client is refused for
      that number (even the right code) for TRACK_LOCK_MINUTES (up to twice that: coarse
      expiry); every other client is unaffected;
    - per number: after TRACK_NUMBER_FAILURES attempts without a captcha in an hour from
      anyone, each further attempt on the number needs a solved captcha (single-use), so the
      free guesses per number stay ≤ TRACK_NUMBER_FAILURES an hour however many clients guess
      (counted before the code is checked, so parallel requests cannot overshoot), while the
      owner, from any client, solves one captcha and is in.
    Unknown numbers count and answer exactly like wrong codes, and every answer costs one hash.
    """
    number, code = normalise_number(number), normalise_code(code)
    mine = f"{number}|{client}"
    case = Case.objects.filter(number=number).first()
    matches = _code_matches(code, case.receipt_hash if case else "")
    locked_msg = ValidationError(ERR_LOCKED, params={"minutes": settings.TRACK_LOCK_MINUTES})
    if lockout.failures("track.client", mine) >= settings.TRACK_MAX_FAILURES:
        raise TrackFailed(locked_msg.messages[0], locked=True)
    # counted before deciding (one atomic INCR), so parallel guesses cannot all slip under the
    # budget; an attempt without a captcha counts whether the code is right or wrong
    if not captcha_passed:
        attempts = lockout.failure_add("track.number", number, window=3600)
        if attempts > settings.TRACK_NUMBER_FAILURES:
            raise TrackFailed(ERR_CAPTCHA_NEEDED, captcha=True)
    if case is not None and matches:
        lockout.failures_clear("track.client", mine)
        return case
    window = settings.TRACK_LOCK_MINUTES * 60
    if lockout.failure_add("track.client", mine, window=window) >= settings.TRACK_MAX_FAILURES:
        raise TrackFailed(locked_msg.messages[0], locked=True)
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
    outbox_enqueue(receipt_recover_send_task, kwargs={"case_id": case.pk, "channel": channel})


def receipt_reissue(*, token: str) -> tuple[Case, Receipt]:
    """Open a recovery link: a new code replaces the old one (the link works once)."""
    data = recover_token_read(token=token)
    if data is None:
        raise ValidationError(ERR_LINK)
    code = receipt_code_new()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=data.get("c")).first()
        if case is None or case.receipt_hash[-16:] != data.get("h"):
            raise ValidationError(ERR_LINK)
        case.receipt_hash = receipt_hash_make(code)
        case.save(update_fields=["receipt_hash"])
        lockout.failures_clear("track.number", case.number)
        audit_append(
            chain=case.audit_chain,
            action="case.receipt_reissue",
            obj=case,
            actor_label=ActorKind.COMPLAINANT.value,
            after={},
        )
    return case, receipt_make(case=case, code=code)
