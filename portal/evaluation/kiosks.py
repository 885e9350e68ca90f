"""Window kiosks tied to real transactions (一次一评): devices issued and withdrawn by the
office, transactions opened by the unit's clerk, one rating per opened transaction.

Owns the rules: a device link is a random token shown once to the office (only its SHA-256 is
stored) and refused once withdrawn or expired; the clerk of the device's own unit opens a
transaction for one of the unit's officials; the kiosk rates only an open transaction (unused,
not expired), once; a kiosk without one refuses.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts import roles
from portal.accounts.guards import Role, require_role
from portal.audit.seals import record_seal
from portal.audit.services import audit_append

from .choices import Channel
from .models_kiosk import KioskDevice, KioskTransaction

MSG_DEVICE_BAD = _("评价器链接无效，请联系效能办")
MSG_DEVICE_WITHDRAWN = _("该评价器已停用或已过期，请联系效能办")
MSG_NO_TRANSACTION = _("当前没有待评价的办件：请在工作人员为您办理业务后再评价")
MSG_DEVICE_NAME = _("请填写评价器名称")
MSG_ALREADY_WITHDRAWN = _("该评价器已停用")
MSG_OTHER_UNIT = _("该测评对象不属于评价器所在单位")
MSG_TOO_MANY_TRANSACTIONS = _("该评价器一小时内开始的办件过多，请稍后再试")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _chain(unit_id) -> str:
    return f"kiosk:{unit_id}"


@transaction.atomic
def kiosk_device_issue(*, actor, unit, name: str) -> tuple[KioskDevice, str]:
    """The office issues a device link; returns the device and its token (shown once)."""
    require_role(actor, Role.OFFICE)
    if not name.strip():
        raise ValidationError(MSG_DEVICE_NAME, code="name")
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    device = KioskDevice.objects.create(
        unit=unit,
        name=name.strip(),
        token_hash=_token_hash(token),
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=settings.KIOSK_DEVICE_DAYS),
    )
    audit_append(
        chain=_chain(unit.pk),
        action="kiosk_device_issue",
        obj=device,
        actor=actor,
        after={
            "unit": unit.pk,
            "name": device.name,
            "expires_at": device.expires_at.isoformat(),
            # sealed: a device switched back on or extended in the database is noticed
            "seal": record_seal(device),
        },
    )
    return device, token


@transaction.atomic
def kiosk_device_withdraw(*, device: KioskDevice, actor) -> KioskDevice:
    require_role(actor, Role.OFFICE)
    device = KioskDevice.objects.select_for_update().get(pk=device.pk)
    if device.withdrawn_at is not None:
        raise ValidationError(MSG_ALREADY_WITHDRAWN, code="withdrawn")
    device.withdrawn_at, device.withdrawn_by = timezone.now(), actor
    device.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_append(
        chain=_chain(device.unit_id),
        action="kiosk_device_withdraw",
        obj=device,
        actor=actor,
        before={"withdrawn_at": None},
        after={"withdrawn_at": device.withdrawn_at.isoformat(), "seal": record_seal(device)},
    )
    return device


def kiosk_device_for_token(token: str) -> KioskDevice:
    """The usable device of a link; ValidationError (code bad / withdrawn) otherwise."""
    device = (
        KioskDevice.objects.select_related("unit")
        .filter(token_hash=_token_hash(token or ""))
        .first()
    )
    if device is None:
        raise ValidationError(MSG_DEVICE_BAD, code="bad")
    if not device.usable(timezone.now()):
        raise ValidationError(MSG_DEVICE_WITHDRAWN, code="withdrawn")
    return device


def _open_transactions(device, now):
    return KioskTransaction.objects.filter(
        device=device, used_at__isnull=True, expires_at__gt=now
    ).order_by("-opened_at")


def kiosk_transaction_current(*, device: KioskDevice) -> KioskTransaction | None:
    return _open_transactions(device, timezone.now()).select_related("official").first()


@transaction.atomic
def kiosk_transaction_open(*, actor, device: KioskDevice, official) -> KioskTransaction:
    """The clerk (the unit's own department account) opens one transaction on its device; an
    earlier unrated one of the device is closed (that person left without rating). At most
    KIOSK_TRANSACTIONS_PER_HOUR per device: opening and rating in a loop is refused."""
    if not roles.is_department(actor) or actor.unit_id != device.unit_id:
        raise PermissionDenied
    if official.unit_id != device.unit_id:
        raise ValidationError(MSG_OTHER_UNIT, code="other-unit")
    now = timezone.now()
    device = KioskDevice.objects.select_for_update().get(pk=device.pk)
    if not device.usable(now):
        raise ValidationError(MSG_DEVICE_WITHDRAWN, code="withdrawn")
    # the device row is locked: two clerks opening at once count each other
    opened = KioskTransaction.objects.filter(
        device=device, opened_at__gt=now - timedelta(hours=1)
    ).count()
    if opened >= settings.KIOSK_TRANSACTIONS_PER_HOUR:
        raise ValidationError(MSG_TOO_MANY_TRANSACTIONS, code="too-many")
    _open_transactions(device, now).update(expires_at=now)
    return KioskTransaction.objects.create(
        device=device,
        official=official,
        opened_by=actor,
        opened_at=now,
        expires_at=now + timedelta(minutes=settings.KIOSK_TRANSACTION_MINUTES),
    )


def kiosk_rate(*, device: KioskDevice, data, actor=None, client_ip: str = ""):
    """Rate the device's open transaction through rating_submit, once: the transaction is
    locked and marked used in the rating's own transaction (a refusal leaves it open)."""
    from .services import kiosk_token_make, rating_submit

    with transaction.atomic():
        now = timezone.now()
        device = KioskDevice.objects.select_for_update().get(pk=device.pk)
        if not device.usable(now):
            raise ValidationError(MSG_DEVICE_WITHDRAWN, code="withdrawn")
        current = _open_transactions(device, now).select_for_update().first()
        if current is None:
            raise ValidationError(MSG_NO_TRANSACTION, code="no-transaction")
        official = current.official
        rating = rating_submit(
            official=official,
            data=data,
            channel=Channel.KIOSK,
            voter=None,  # each kiosk rating is one person served: no voter identity at all
            actor=actor,
            # made here, for this call only: the device link itself is the proof
            kiosk_token=kiosk_token_make(unit=device.unit, official=official),
            client_ip=client_ip,
        )
        current.used_at = now
        current.save(update_fields=["used_at"])
    return rating
