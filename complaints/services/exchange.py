"""Document exchange (电子公文交换): each assignment document also goes to the department's own
system as a signed JSON envelope (HMAC-SHA256, idempotency key) with its PDF; a department
system replies (sign / answer) to the inbound endpoint, which checks the signature.

Delivery survives a receiver that is down: the Delivery row stays pending, the Celery task
retries with exponential back-off, and the daily resume task re-queues what is still pending.
Contact data of the complainant never leaves the portal in an envelope.

The office manages endpoints and the delivery log through endpoint_create / _url_change /
_secret_rotate / _active_set and delivery_retry, each audited on the unit's
"exchange-endpoint:<unit id>" chain; a secret is returned once and stored encrypted.
"""

import base64
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts import roles
from portal.audit.services import audit_append
from portal.outbox.services import outbox_enqueue
from portal.core.text import id_or_none

from portal.core import crypto
from ..choices import ActorKind, CaseAction
from ..models import (
    AssignmentDocument,
    Case,
    Delivery,
    DeliveryStatus,
    DepartmentEndpoint,
    InboundMessage,
)
from .workflow import case_transition

SIGNATURE_HEADER = "X-Signature"
KEY_HEADER = "X-Idempotency-Key"
INBOUND_ACTIONS = {"sign": CaseAction.SIGN, "start": CaseAction.START, "answer": CaseAction.ANSWER}


class DeliveryFailed(Exception):
    pass


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- the office's screens: endpoints and the delivery log ------------------------------------

ERR_URL = _("接收地址无效：请填写以 http:// 或 https:// 开头的完整网址")
ERR_UNIT = _("请选择一个存在的单位")
ERR_ENDPOINT_EXISTS = _("该单位已配置公文交换接口，请修改其接收地址或更换密钥")
ERR_NOT_PENDING = _("只有待投递的记录可以重新投递")
_url_valid = URLValidator(schemes=["http", "https"])


def _office(actor) -> None:
    if actor is not None and not roles.is_office(actor):
        raise PermissionDenied


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
    _office(actor)
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
            endpoint=endpoint, action="exchange_endpoint.register", actor=actor,
            after={"url": url, "active": True},
        )
    return endpoint, secret


def _endpoint_locked(endpoint) -> DepartmentEndpoint:
    return DepartmentEndpoint.objects.select_for_update().get(pk=endpoint.pk)


def endpoint_url_change(*, endpoint: DepartmentEndpoint, url: str, actor) -> DepartmentEndpoint:
    _office(actor)
    url = _clean_url(url)
    with transaction.atomic():
        endpoint = _endpoint_locked(endpoint)
        before = {"url": endpoint.url}
        endpoint.url = url
        endpoint.save(update_fields=["url"])
        _endpoint_audit(
            endpoint=endpoint, action="exchange_endpoint.url_change", actor=actor,
            before=before, after={"url": url},
        )
    return endpoint


def endpoint_secret_rotate(*, endpoint: DepartmentEndpoint, actor) -> tuple[DepartmentEndpoint, str]:
    """A new HMAC secret, returned once; the old one stops working at once (inbound replies
    signed with it are refused, outgoing envelopes are signed with the new one)."""
    _office(actor)
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
    _office(actor)
    with transaction.atomic():
        endpoint = _endpoint_locked(endpoint)
        if endpoint.active != bool(active):
            before = {"active": endpoint.active}
            endpoint.active = bool(active)
            endpoint.save(update_fields=["active"])
            _endpoint_audit(
                endpoint=endpoint, action="exchange_endpoint.active_set", actor=actor,
                before=before, after={"active": endpoint.active},
            )
    return endpoint


def delivery_retry(*, delivery: Delivery, actor) -> Delivery:
    """The office's "retry now" for a pending delivery: the delivery task is queued after
    commit (through the outbox, like the first attempt)."""
    _office(actor)
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status != DeliveryStatus.PENDING:
            raise ValidationError(ERR_NOT_PENDING, code="state")
        from ..tasks import document_deliver_task

        outbox_enqueue(document_deliver_task, kwargs={"delivery_id": delivery.pk})
        _endpoint_audit(
            endpoint=delivery.endpoint, action="exchange_delivery.retry", actor=actor,
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
    from ..tasks import document_deliver_task

    outbox_enqueue(document_deliver_task, kwargs={"delivery_id": delivery.pk})
    return delivery


def envelope(*, delivery: Delivery) -> bytes:
    from ..documents import document_pdf

    doc = delivery.document
    case = doc.case
    payload = {
        "idempotency_key": str(delivery.idempotency_key),
        "document": {
            "number": doc.number,
            "department": doc.department.name,
            "deadline": doc.deadline.isoformat(),
            "body": doc.body,
            "issued_at": timezone.localtime(doc.issued_at).isoformat(timespec="seconds"),
        },
        "case": {
            "number": case.number,
            "category": case.category.name,
            "text": case.text,
            "submitted_at": timezone.localtime(case.submitted_at).isoformat(timespec="seconds"),
        },
        "pdf_base64": base64.b64encode(document_pdf(doc)).decode(),
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


ERR_ENDPOINT_INACTIVE = "接口已停用，待启用后投递 (endpoint switched off)"


def delivery_attempt(*, delivery: Delivery, timeout: float = 10) -> bool:
    """POST the envelope once. True when delivered (or already delivered), False when the
    endpoint is switched off (nothing sent); raises DeliveryFailed so the task retries with
    back-off."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("document__case__category", "document__department", "endpoint")
            .get(pk=delivery.pk)
        )
        if delivery.status == DeliveryStatus.DELIVERED:
            return True
        if not delivery.endpoint.active:
            # the office switched the receiver off: keep the delivery pending, untried, until
            # it is switched on again (delivery_resume sends it then)
            Delivery.objects.filter(pk=delivery.pk).update(last_error=ERR_ENDPOINT_INACTIVE)
            return False
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        delivery.save(update_fields=["attempts", "last_attempt_at"])
    body = envelope(delivery=delivery)
    secret = crypto.decrypt(delivery.endpoint.secret_enc)
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            SIGNATURE_HEADER: sign(secret, body),
            KEY_HEADER: str(delivery.idempotency_key),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            ok = 200 <= response.status < 300
            error = "" if ok else f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        ok, error = False, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        ok, error = False, str(getattr(exc, "reason", exc))[:300]
    with transaction.atomic():
        fields = ["last_error"]
        delivery.last_error = error
        if ok:
            delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, timezone.now()
            fields += ["status", "delivered_at"]
        Delivery.objects.filter(pk=delivery.pk).update(**{f: getattr(delivery, f) for f in fields})
    if not ok:
        raise DeliveryFailed(error)
    return True


def delivery_resume() -> int:
    """Re-queue every pending delivery (daily, and after an outage)."""
    from ..tasks import document_deliver_task

    ids = list(Delivery.objects.filter(status=DeliveryStatus.PENDING, endpoint__active=True)
               .values_list("pk", flat=True))
    for pk in ids:
        document_deliver_task.delay(delivery_id=pk)
    return len(ids)


def inbound_receive(*, unit_id: str, signature: str, body: bytes) -> dict:
    """A department system's reply. Checks the signature with that department's secret,
    then applies one transition as that department; the same key twice is applied once."""
    endpoint = DepartmentEndpoint.objects.filter(
        unit_id=id_or_none(unit_id), active=True
    ).first()
    if endpoint is None:
        raise PermissionDenied
    secret = crypto.decrypt(endpoint.secret_enc)
    if not hmac.compare_digest(sign(secret, body), signature or ""):
        raise PermissionDenied
    try:
        data = json.loads(body)
        key, action = str(data["idempotency_key"]), data["action"]
        number = data["case_number"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError("malformed body") from exc
    if action not in INBOUND_ACTIONS:
        raise ValidationError("unknown action")
    done = InboundMessage.objects.filter(idempotency_key=key).first()
    if done is not None:
        return {"case_number": number, "state": done.result, "replayed": True}
    case = Case.objects.filter(number=number, department_id=endpoint.unit_id).first()
    if case is None:
        raise PermissionDenied  # another department's case: indistinguishable from unknown
    with transaction.atomic():
        case = case_transition(
            case=case,
            action=INBOUND_ACTIONS[action],
            actor_kind=ActorKind.DEPARTMENT,
            answer=data.get("answer", ""),
            finding=data.get("finding", ""),
            measures=data.get("measures", ""),
        )
        InboundMessage.objects.create(
            idempotency_key=key, endpoint=endpoint, case=case, action=action, result=case.state
        )
    return {"case_number": case.number, "state": case.state, "replayed": False}
