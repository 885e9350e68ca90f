"""Rating writes: submit (every anti-abuse rule), tickets, QR tokens, phone codes, revocation,
appeals, call-backs, staff phone lists.

Owns the rules: one rating per voter per official per month; staff of the official's own unit
cannot rate it; QR ratings only within the radius of the unit; single-use tickets; reasons for
差评; each rating hash-chained per official; revocation never deletes.
"""

import secrets
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.selectors import portal_rules
from portal.accounts import roles
from portal.audit.seals import record_seal
from portal.audit.services import audit_append
from portal.core import crypto, lockout
from portal.core.cache import cache_degraded
from portal.core.dates import month_start
from portal.core.phone import is_mobile, phone_normalise
from portal.core.ratelimit import keyed
from portal.outbox.services import outbox_enqueue

from . import rules, sealing, voters
from .choices import CallBackKind, Channel
from .models import (
    CallBack,
    Rating,
    RatingContact,
    RatingTicket,
    StaffPhone,
)
from .voters import staff_phone_hash, staff_phone_hashes, voter_rate_key  # noqa: F401

MSG_TOO_MANY = _("提交过于频繁，请稍后再试")
MSG_ALREADY = _("本月您已评价过该测评对象")
MSG_OUTSIDE = _("您不在单位%(radius)s米范围内，扫码评价无效")
MSG_NO_LOCATION = _("扫码评价需要开启定位")
MSG_STAFF = _("本单位工作人员不能评价本单位人员")
MSG_TOKEN_EXPIRED = _("二维码或评价券已过期")
MSG_TOKEN_BAD = _("二维码或评价券无效")
MSG_TOKEN_OTHER = _("该二维码或评价券不属于此测评对象")
# One refusal for a used ticket, an expired one and (through a ticket) an already-rated voter:
# the clerk holds the codes and must not learn whether the citizen used one (issue 14).
MSG_TICKET_UNUSABLE = _("该评价券无法使用（可能已使用或已过期）")
MSG_REASON = _("选择不满意时必须填写理由")
MSG_LEVEL = _("请选择总体评价")
MSG_SCORE = _("请为三项评分")
MSG_PHONE_CODE = _("短信验证码错误或已过期")
MSG_PHONE_CODE_BURNED = (
    "验证码错误次数过多，已失效，请重新获取 "
    "(too many wrong SMS codes: the code is void, request a new one)"
)
# while the cache is down each web process keeps its own codes (portal.core.cache), so a code
# would mostly reach another process than the one checking it: no SMS is sent then
MSG_PHONE_CODE_UNAVAILABLE = _("短信验证暂时无法使用，请稍后再试")
MSG_PHONE = _("请填写正确的手机号")
MSG_NAMED = _("实名评价需填写姓名和手机号")

QR_SALT = "evaluation.qr"
# wrong SMS codes per phone (portal.core.lockout), whatever address the guesses come from
FAILURE_KIND = "phone-code-fail"
KIOSK_SALT = "evaluation.kiosk"


def _refuse(message, code):
    raise ValidationError(message, code=code)


# --- voter keys and phone codes ------------------------------------------------------------


def voter_identity(*, verified_phone: str = "", device: str = "", client_ip: str = "") -> str:
    """The voter a rating is limited by: the verified phone if there is one, else the device."""
    if verified_phone:
        return voters.identity_for_phone(verified_phone)
    return voters.identity_for_device(device=device, client_ip=client_ip)


def _code_key(phone):
    # under the cache-only rotating secret (portal.core.ratelimit.keyed): nobody holding the
    # settings can turn a key back into a phone number by trying every mobile; a code sent in
    # the last PHONE_CODE_TTL_SECONDS before the secret rotates (daily) must be sent again
    return "eval:phone-code:" + keyed("phone-code", phone_normalise(phone))


def phone_code_send(*, phone: str) -> None:
    """Send a 6-digit one-time code by SMS; kept in the cache under a keyed hash of the phone."""
    if not is_mobile(phone):
        _refuse(MSG_PHONE, "phone")
    if cache_degraded(cache):
        _refuse(MSG_PHONE_CODE_UNAVAILABLE, "phone_code_unavailable")
    # per phone, whatever address asks: bounds SMS to one person and, since each new code
    # gets its own PHONE_CODE_MAX_FAILURES, the guesses per phone and hour
    sends = lockout.failure_add("phone-send", phone_normalise(phone), window=3600)
    if sends > settings.PHONE_CODE_SENDS_PER_PHONE:
        _refuse(MSG_TOO_MANY, "too_many")
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_code_key(phone), code, settings.PHONE_CODE_TTL_SECONDS)
    lockout.failures_clear(FAILURE_KIND, phone_normalise(phone))  # a new code's own budget
    from portal.core.sms import send_sms

    send_sms(
        phone=phone_normalise(phone),
        text=f"【效能测评】您的验证码是{code}，{settings.PHONE_CODE_TTL_SECONDS // 60}分钟内有效。",
    )


def phone_code_burned(*, phone: str) -> bool:
    """True when the phone's code was deleted after too many wrong guesses."""
    failures = lockout.failures(FAILURE_KIND, phone_normalise(phone))
    return failures >= settings.PHONE_CODE_MAX_FAILURES


def phone_code_check(*, phone: str, code: str, consume: bool = True) -> bool:
    """True once for the right code (it is consumed, unless `consume` is False: the view's
    check before the captcha, which the submission's own check then consumes). After
    PHONE_CODE_MAX_FAILURES wrong guesses for the phone, from any address, the code is
    deleted: a new one must be sent. The wrong guesses are counted by portal.core.lockout
    (keyed per phone, never the raw number), as phone_code_send counts the sends."""
    expected = cache.get(_code_key(phone))
    if not expected:
        return False
    if not code or not secrets.compare_digest(expected, code.strip()):
        failures = lockout.failure_add(
            FAILURE_KIND, phone_normalise(phone), window=settings.PHONE_CODE_TTL_SECONDS
        )
        if failures >= settings.PHONE_CODE_MAX_FAILURES:
            cache.delete(_code_key(phone))
        return False
    if consume:
        cache.delete(_code_key(phone))
        lockout.failures_clear(FAILURE_KIND, phone_normalise(phone))
    return True


def staff_phones_import(*, unit, phones) -> int:
    """Store a unit's staff mobiles as keyed hashes only. Returns how many were new."""
    hashes = {voters.staff_phone_hash(p) for p in phones if is_mobile(p)}
    existing = set(
        StaffPhone.objects.filter(unit=unit, phone_hash__in=hashes).values_list(
            "phone_hash", flat=True
        )
    )
    StaffPhone.objects.bulk_create(
        [StaffPhone(unit=unit, phone_hash=h) for h in hashes - existing], ignore_conflicts=True
    )
    return len(hashes - existing)


# --- QR and kiosk tokens -------------------------------------------------------------------


def qr_token_make(*, unit, official=None) -> str:
    return signing.dumps(
        {"u": unit.pk, "o": official.pk if official else None}, salt=QR_SALT, compress=True
    )


def qr_token_read(token: str) -> dict:
    try:
        return signing.loads(
            token, salt=QR_SALT, max_age=timedelta(days=settings.QR_TOKEN_MAX_DAYS)
        )
    except signing.SignatureExpired:
        _refuse(MSG_TOKEN_EXPIRED, "expired")
    except signing.BadSignature:
        _refuse(MSG_TOKEN_BAD, "token")


def kiosk_token_make(*, unit, official=None) -> str:
    return signing.dumps({"u": unit.pk, "o": official.pk if official else None}, salt=KIOSK_SALT)


def kiosk_token_read(token: str) -> dict:
    try:
        return signing.loads(token, salt=KIOSK_SALT)
    except signing.BadSignature:
        _refuse(MSG_TOKEN_BAD, "token")


def _token_binds(data: dict, official) -> bool:
    return data.get("u") == official.unit_id and data.get("o") in (None, official.pk)


# --- tickets (一次一评) ---------------------------------------------------------------------


@transaction.atomic
def ticket_issue(*, user, official=None) -> RatingTicket:
    """A window clerk (department account with a unit) issues a single-use rating ticket."""
    if not roles.is_department(user) and not roles.is_office(user):
        raise PermissionDenied
    unit_id = official.unit_id if official else user.unit_id
    if unit_id is None or (roles.is_department(user) and user.unit_id != unit_id):
        raise PermissionDenied
    now = timezone.now()
    ticket = RatingTicket.objects.create(
        code=secrets.token_urlsafe(18),
        unit_id=unit_id,
        official=official,
        issued_by=user,
        created_at=now,
        expires_at=now + timedelta(hours=settings.RATING_TICKET_HOURS),
    )
    return ticket


# --- the rating itself ---------------------------------------------------------------------


@dataclass
class RatingData:
    level: int
    attitude: int | None = None
    efficiency: int | None = None
    style: int | None = None
    reason: str = ""
    anonymous: bool = True
    name: str = ""
    phone: str = ""


def contact_phone(contact: RatingContact) -> str:
    """Decrypt a named rater's mobile (office call-backs only)."""
    return crypto.decrypt(contact.phone_encrypted)


def _validate(data: RatingData, *, channel):
    allowed = {lv for lv, _ in rules.levels_for(settings.RATING_SCALE)}
    if data.level not in allowed:
        _refuse(MSG_LEVEL, "level")
    if channel in (Channel.WEB, Channel.QR, Channel.TICKET):
        for score in (data.attitude, data.efficiency, data.style):
            if score is None or not 1 <= score <= 5:
                _refuse(MSG_SCORE, "score")
    if rules.is_bad(data.level) and not data.reason.strip():
        _refuse(MSG_REASON, "reason")
    if not data.anonymous and (not data.name.strip() or not is_mobile(data.phone)):
        _refuse(MSG_NAMED, "named")


def rating_submit(
    *,
    official,
    data: RatingData,
    channel: str,
    voter: str | None,
    actor=None,
    verified_phone: str = "",
    qr_token: str = "",
    latitude=None,
    longitude=None,
    ticket_code: str = "",
    kiosk_token: str = "",
    client_ip: str = "",
) -> Rating:
    """Record one rating after every rule holds; raises ValidationError with a bilingual
    message (code names the rule) when refused.

    `voter` is the voter's identity (voter_identity; None for a kiosk, one person per rating):
    it is never stored, only the key scoped to this official and month (voters.py).
    `client_ip` only feeds the burst check's per-official, per-day network key."""
    _validate(data, channel=channel)
    if (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and actor.unit_id == official.unit_id
    ):
        _refuse(MSG_STAFF, "staff")
    if (
        verified_phone
        and StaffPhone.objects.filter(
            unit_id=official.unit_id, phone_hash__in=voters.staff_phone_hashes(verified_phone)
        ).exists()
    ):
        _refuse(MSG_STAFF, "staff")
    if channel == Channel.QR:
        _check_qr(official=official, token=qr_token, latitude=latitude, longitude=longitude)
    if channel == Channel.KIOSK and not _token_binds(kiosk_token_read(kiosk_token), official):
        _refuse(MSG_TOKEN_OTHER, "token-other")

    now = timezone.now()
    month = month_start(timezone.localdate(now))
    limit = settings.RATINGS_PER_VOTER_PER_OFFICIAL_PER_MONTH
    # through a ticket, "already rated" says nothing more than a used or expired ticket does
    already = (
        (MSG_TICKET_UNUSABLE, "ticket") if channel == Channel.TICKET else (MSG_ALREADY, "already")
    )
    rating = Rating(
        official_id=official.pk,
        unit_id=official.unit_id,
        level=data.level,
        attitude=data.attitude,
        efficiency=data.efficiency,
        style=data.style,
        reason=data.reason.strip(),
        anonymous=data.anonymous,
        channel=channel,
        voter_key=voters.kiosk_voter_key(),
        network_key=voters.network_key(
            client_ip=client_ip, official_id=official.pk, day=timezone.localdate(now)
        )
        if client_ip
        else "",
        month=month,
        voter_slot=1,
        created_at=now,
    )
    if voter is not None:
        rating.voter_slot, rating.voter_key = _voter_slot(
            voter=voter, official=official, month=month, limit=limit, already=already
        )
    # One INSERT on the common path (an anonymous rating on the web): the unique constraint on
    # (official, voter_key, month, voter_slot) is the monthly limit, and the chain link is
    # added by the sealer within RATING_SEAL_MAX_DELAY_SECONDS (sealing.py); the MAC vouches
    # for the row until then. A ticket, a named rater's contact or a 差评's call-back make it
    # one transaction with their rows.
    extra_rows = channel == Channel.TICKET or not data.anonymous or rating.is_bad
    with transaction.atomic() if extra_rows else nullcontext():
        if channel == Channel.TICKET:
            rating.ticket = _ticket_use(code=ticket_code, official=official, now=now)
        rating.mac = sealing.rating_mac(rating)
        try:
            # a savepoint only inside someone's transaction (the outer block above, a test's):
            # in autocommit a failed INSERT leaves nothing to roll back
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                rating.save(force_insert=True)
        except IntegrityError as exc:
            if "voter_slot" in str(exc) or "rating_voter_month_slot" in str(exc):
                _refuse(*already)  # leaves the atomic block: rolled back
            raise
        if not data.anonymous:
            RatingContact.objects.create(
                rating=rating,
                name=data.name.strip(),
                phone_encrypted=crypto.encrypt(phone_normalise(data.phone)),
            )
        _callback_maybe(rating=rating, named=not data.anonymous, now=now)
        if rating.is_bad:
            # stored with the rating (outbox): a broker outage cannot lose a warning check
            from .tasks import warnings_check_task

            outbox_enqueue(warnings_check_task, kwargs={"official_id": rating.official_id})
        # no cache clearing: the public aggregates count closed days only (selectors.py), so
        # a rating changes nothing public before tomorrow's cache key
    return rating


def _voter_slot(*, voter, official, month, limit, already) -> tuple[int, str]:
    """(slot, voter key) for this voter's rating of `official` in `month`. With the default
    limit of 1 every rating takes slot 1 and a second one fails on insert, with no query. A
    higher limit looks up the voter's key of each slot (each slot has its own key, so no two
    rows share one) and takes the first free slot; two of one voter's ratings racing for the
    same slot are settled by the unique constraint (the loser is told "already rated")."""
    keys = {
        n: voters.voter_key(identity=voter, official_id=official.pk, month=month, slot=n)
        for n in range(1, max(limit, 1) + 1)
    }
    if limit <= 1:
        return 1, keys[1]
    taken = set(
        Rating.objects.filter(
            official_id=official.pk, month=month, voter_key__in=keys.values()
        ).values_list("voter_slot", "voter_key")
    )
    free = [n for n, key in keys.items() if (n, key) not in taken]
    if not free:
        _refuse(*already)
    return free[0], keys[free[0]]


def _check_qr(*, official, token, latitude, longitude):
    data = qr_token_read(token)
    if not _token_binds(data, official):
        _refuse(MSG_TOKEN_OTHER, "token-other")
    unit = official.unit
    radius = portal_rules().qr_radius_meters
    try:
        lat, lng = float(latitude), float(longitude)
    except (TypeError, ValueError):
        _refuse(MSG_NO_LOCATION, "location")
    if unit.latitude is None or unit.longitude is None:
        _refuse(MSG_OUTSIDE % {"radius": radius}, "outside")
    if rules.haversine_m(lat, lng, float(unit.latitude), float(unit.longitude)) > radius:
        _refuse(MSG_OUTSIDE % {"radius": radius}, "outside")


def _ticket_use(*, code, official, now) -> RatingTicket:
    """Mark the ticket used. Used and expired are one refusal (MSG_TICKET_UNUSABLE): telling
    them apart would let the clerk learn, after the expiry, which tickets were used."""
    ticket = RatingTicket.objects.select_for_update().filter(code=code or "").first()
    if ticket is None:
        _refuse(MSG_TOKEN_BAD, "token")
    if ticket.unit_id != official.unit_id or ticket.official_id not in (None, official.pk):
        _refuse(MSG_TOKEN_OTHER, "token-other")
    if ticket.used_at is not None or ticket.expires_at < now:
        _refuse(MSG_TICKET_UNUSABLE, "ticket")
    ticket.used_at = now
    ticket.save(update_fields=["used_at"])
    return ticket


def _callback_maybe(*, rating, named, now):
    if rating.is_bad:
        kind = CallBackKind.BAD
    elif named and secrets.SystemRandom().random() < settings.GOOD_RATING_CALLBACK_SAMPLE:
        # random call-backs to good ratings catch coerced good ratings (only reachable if named)
        kind = CallBackKind.SAMPLE
    else:
        return None
    callback = CallBack.objects.create(
        rating=rating,
        kind=kind,
        created_at=now,
        due_at=now + timedelta(hours=portal_rules().callback_hours),
    )
    # sealed in the office chain of the official (audit_append locks that chain's head)
    audit_append(
        chain=f"rating-office:{rating.official_id}",
        action="callback_open",
        obj=callback,
        actor_label="system",
        after={"rating": rating.pk, "kind": kind, "seal": record_seal(callback, fresh=True)},
    )
    return callback


# the office's review of ratings lives in review.py; re-exported so callers keep one name
from .review import appeal_decide, appeal_file, callback_record, rating_revoke  # noqa: E402, F401
