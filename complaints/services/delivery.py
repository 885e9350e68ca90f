"""Sending one assignment document to a department's own system (电子公文交换).

Owns the envelope (signed JSON, HMAC-SHA256 with the endpoint's secret, an idempotency key,
the PDF, the complaint's own attachments embedded (base64, already stripped of metadata at
intake; embedded rather than linked, so the department's system needs no way back into the
portal's private storage and the signature covers the files too) and the office's notes for
the department (the assignment's instructions and each 督办 reason); the complainant's contact
never leaves the portal) and one delivery attempt. Run by
document_deliver_task, which retries with back-off while the receiver is down; queues nothing.
"""

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.db import transaction
from django.utils import timezone

from portal.core import crypto

from ..documents import document_pdf
from ..models import Delivery, DeliveryStatus

SIGNATURE_HEADER = "X-Signature"
KEY_HEADER = "X-Idempotency-Key"


class DeliveryFailed(Exception):
    pass


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _attachments(case) -> list[dict]:
    """The complaint's own files (not the thread's, not the department's evidence)."""
    rows = []
    for att in case.attachments.filter(message__isnull=True, evidence=False).order_by("pk"):
        with att.file.open("rb") as fh:
            data = fh.read()
        rows.append(
            {
                "name": f"{case.number}-{att.pk}.{att.file.name.rsplit('.', 1)[-1]}",
                "content_type": att.content_type,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "data_base64": base64.b64encode(data).decode(),
            }
        )
    return rows


def _office_notes(doc) -> list[dict]:
    """What the office wrote for the department: the assignment's instructions (the lines of
    the document after its standard first line) and the reason of each supervision."""
    notes = []
    instructions = doc.body.partition("\n")[2].strip()
    if instructions:
        notes.append({"kind": "assignment", "text": instructions})
    for supervision in doc.case.supervisions.order_by("opened_at", "pk"):
        notes.append(
            {
                "kind": "supervision",
                "text": supervision.reason,
                "deadline": supervision.deadline.isoformat(),
                "at": timezone.localtime(supervision.opened_at).isoformat(timespec="seconds"),
            }
        )
    return notes


def envelope(*, delivery: Delivery) -> bytes:
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
        "attachments": _attachments(case),
        "office_notes": _office_notes(doc),
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


ERR_ENDPOINT_INACTIVE = "接口已停用，待启用后投递"


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
