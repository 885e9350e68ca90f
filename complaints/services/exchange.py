"""Document exchange (电子公文交换): each assignment document also goes to the department's own
system as a signed JSON envelope (HMAC-SHA256, idempotency key) with its PDF; a department
system replies (sign / answer) to the inbound endpoint, which checks the signature.

Delivery survives a receiver that is down: the Delivery row stays pending, the Celery task
retries with exponential back-off, and the daily resume task re-queues what is still pending.
Contact data of the complainant never leaves the portal in an envelope.
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
from django.db import transaction
from django.utils import timezone

from portal.outbox.services import outbox_enqueue

from .. import crypto
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


def endpoint_register(*, unit, url: str) -> tuple[DepartmentEndpoint, str]:
    """Register (or re-key) a department endpoint; the secret is returned once."""
    secret = secrets.token_urlsafe(32)
    endpoint, _ = DepartmentEndpoint.objects.update_or_create(
        unit=unit, defaults={"url": url, "secret_enc": crypto.encrypt(secret), "active": True}
    )
    return endpoint, secret


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
    outbox_enqueue(
        task_name="complaints.tasks.document_deliver_task", kwargs={"delivery_id": delivery.pk}
    )
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


def delivery_attempt(*, delivery: Delivery, timeout: float = 10) -> bool:
    """POST the envelope once. True when delivered (or already delivered); raises
    DeliveryFailed so the task retries with back-off."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("document__case__category", "document__department", "endpoint")
            .get(pk=delivery.pk)
        )
        if delivery.status == DeliveryStatus.DELIVERED:
            return True
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

    ids = list(Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True))
    for pk in ids:
        document_deliver_task.delay(delivery_id=pk)
    return len(ids)


def inbound_receive(*, unit_id: str, signature: str, body: bytes) -> dict:
    """A department system's reply. Checks the signature with that department's secret,
    then applies one transition as that department; the same key twice is applied once."""
    endpoint = DepartmentEndpoint.objects.filter(
        unit_id=unit_id if str(unit_id).isdigit() else None, active=True
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
