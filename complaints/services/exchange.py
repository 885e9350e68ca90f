"""Document exchange (电子公文交换), the office's side: each assignment document also goes to
the department's own system (services.delivery sends it; services.inbound takes the replies).

Delivery survives a receiver that is down: the Delivery row stays pending, the Celery task
retries with exponential back-off, and the daily resume task re-queues what is still pending
(every queueing goes through the outbox).

The office manages endpoints and the delivery log through endpoint_create / _url_change /
_secret_rotate / _active_set and delivery_retry, each audited on the unit's
"exchange-endpoint:<unit id>" chain; a secret is returned once and stored encrypted.
"""

import secrets
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from portal.accounts.guards import Role, require_role
from portal.audit.services import audit_append
from portal.core import crypto
from portal.outbox.services import outbox_enqueue

from ..models import AssignmentDocument, Delivery, DeliveryStatus, DepartmentEndpoint
from ..tasks.followups import document_deliver_task

# --- the office's screens: endpoints and the delivery log ------------------------------------

ERR_URL = _("接收地址无效：请填写以 http:// 或 https:// 开头的完整网址")
ERR_UNIT = _("请选择一个存在的单位")
ERR_ENDPOINT_EXISTS = _("该单位已配置公文交换接口，请修改其接收地址或更换密钥")
ERR_NOT_PENDING = _("只有待投递的记录可以重新投递")
_url_valid = URLValidator(schemes=["http", "https"])


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > 200:
        raise ValidationError(ERR_URL, code="url")
    try:
        _url_valid(url)
    except ValidationError as exc:
        raise ValidationError(ERR_URL, code="url") from exc
    return url


def _endpoint_audit(*, endpoint, action, actor, before=None, after=None) -> None:
    # one chain per unit, so re-registrations and rotations of a unit's endpoint read in order;
    # the secret itself never enters the audit trail
    audit_append(
        chain=f"exchange-endpoint:{endpoint.unit_id}",
        action=action,
        obj=endpoint,
        actor=actor,
        actor_label="" if actor is not None else "system",
        before=before,
        after=after,
    )


def endpoint_create(*, unit, url: str, actor) -> tuple[DepartmentEndpoint, str]:
    """The office registers a unit's endpoint. One per unit; the secret is returned once and
    stored encrypted."""
    require_role(actor, Role.OFFICE, system_ok=True)
    if unit is None:
        raise ValidationError(ERR_UNIT, code="unit")
    url = _clean_url(url)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        if DepartmentEndpoint.objects.select_for_update().filter(unit=unit).exists():
            raise ValidationError(ERR_ENDPOINT_EXISTS, code="duplicate")
        try:
            # the check above locks no row when there is none: a registration of the same unit
            # at the same moment (a double click) passes it too and meets the one-per-unit
            # constraint here
            with transaction.atomic():
                endpoint = DepartmentEndpoint.objects.create(
                    unit=unit, url=url, secret_enc=crypto.encrypt(secret), active=True
                )
        except IntegrityError as exc:
            raise ValidationError(ERR_ENDPOINT_EXISTS, code="duplicate") from exc
        _endpoint_audit(
            endpoint=endpoint,
            action="exchange_endpoint.register",
            actor=actor,
            after={"url": url, "active": True},
        )
    return endpoint, secret


def _endpoint_locked(endpoint) -> DepartmentEndpoint:
    return DepartmentEndpoint.objects.select_for_update().get(pk=endpoint.pk)


def endpoint_url_change(*, endpoint: DepartmentEndpoint, url: str, actor) -> DepartmentEndpoint:
    require_role(actor, Role.OFFICE, system_ok=True)
    url = _clean_url(url)
    with transaction.atomic():
        endpoint = _endpoint_locked(endpoint)
        before = {"url": endpoint.url}
        endpoint.url = url
        endpoint.save(update_fields=["url"])
        _endpoint_audit(
            endpoint=endpoint,
            action="exchange_endpoint.url_change",
            actor=actor,
            before=before,
            after={"url": url},
        )
    return endpoint


def endpoint_secret_rotate(
    *, endpoint: DepartmentEndpoint, actor
) -> tuple[DepartmentEndpoint, str]:
    """A new HMAC secret, returned once; the old one stops working at once (inbound replies
    signed with it are refused, outgoing envelopes are signed with the new one)."""
    require_role(actor, Role.OFFICE, system_ok=True)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        endpoint = _endpoint_locked(endpoint)
        endpoint.secret_enc = crypto.encrypt(secret)
        endpoint.save(update_fields=["secret_enc"])
        _endpoint_audit(endpoint=endpoint, action="exchange_endpoint.rotate_secret", actor=actor)
    return endpoint, secret


def endpoint_active_set(*, endpoint: DepartmentEndpoint, active: bool, actor) -> DepartmentEndpoint:
    """Switch an endpoint on or off. Off: new assignments are not sent there and its inbound
    replies are refused; the department works in the back office."""
    require_role(actor, Role.OFFICE, system_ok=True)
    with transaction.atomic():
        endpoint = _endpoint_locked(endpoint)
        if endpoint.active != bool(active):
            before = {"active": endpoint.active}
            endpoint.active = bool(active)
            endpoint.save(update_fields=["active"])
            _endpoint_audit(
                endpoint=endpoint,
                action="exchange_endpoint.active_set",
                actor=actor,
                before=before,
                after={"active": endpoint.active},
            )
    return endpoint


def delivery_retry(*, delivery: Delivery, actor) -> Delivery:
    """The office's "retry now" for a pending delivery: the delivery task is queued after
    commit (through the outbox, like the first attempt)."""
    require_role(actor, Role.OFFICE, system_ok=True)
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status != DeliveryStatus.PENDING:
            raise ValidationError(ERR_NOT_PENDING, code="state")
        outbox_enqueue(document_deliver_task, kwargs={"delivery_id": delivery.pk})
        _endpoint_audit(
            endpoint=delivery.endpoint,
            action="exchange_delivery.retry",
            actor=actor,
            after={"delivery": delivery.pk, "attempts": delivery.attempts},
        )
    return delivery


def delivery_create(*, document: AssignmentDocument) -> Delivery | None:
    """Called inside the assign transition's transaction; sends after commit."""
    endpoint = DepartmentEndpoint.objects.filter(
        unit_id=document.department_id, active=True
    ).first()
    if endpoint is None:
        return None
    delivery = Delivery.objects.create(
        document=document, endpoint=endpoint, idempotency_key=uuid.uuid4()
    )
    outbox_enqueue(document_deliver_task, kwargs={"delivery_id": delivery.pk})
    return delivery


def delivery_resume() -> int:
    """Re-queue every pending delivery (daily, and after an outage)."""
    ids = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, endpoint__active=True).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        # through the outbox like every other queueing: a broker outage keeps the task
        outbox_enqueue(document_deliver_task, kwargs={"delivery_id": pk})
    return len(ids)
