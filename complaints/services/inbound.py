"""Replies from a department's own system (电子公文交换, inbound).

Owns the check of a reply (the department's active endpoint, its HMAC signature) and applying
it once per (endpoint, idempotency key) as that department: sign, start or answer. Another department's
case is refused like an unknown one.
"""

import hmac
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from portal.core import crypto
from portal.core.text import id_or_none

from ..choices import ActorKind
from ..models import Case, DepartmentEndpoint, InboundMessage
from .delivery import sign
from .workflow.department import case_answer, case_sign, case_start

INBOUND_ACTIONS = ("sign", "start", "answer")


class KeyReused(Exception):
    """The endpoint sent an idempotency key it already used, for another case or action."""


def inbound_receive(*, unit_id: str, signature: str, body: bytes) -> dict:
    """A department system's reply. Checks the signature with that department's secret,
    then applies one transition as that department; the same key twice is applied once."""
    endpoint = DepartmentEndpoint.objects.filter(unit_id=id_or_none(unit_id), active=True).first()
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
    done = InboundMessage.objects.filter(endpoint=endpoint, idempotency_key=key).first()
    if done is not None:
        if done.action != action or done.case.number != number:
            raise KeyReused
        return {"case_number": number, "state": done.result, "replayed": True}
    case = Case.objects.filter(number=number, department_id=endpoint.unit_id).first()
    if case is None:
        raise PermissionDenied  # another department's case: indistinguishable from unknown
    with transaction.atomic():
        case = _apply(case=case, action=action, data=data)
        InboundMessage.objects.create(
            idempotency_key=key, endpoint=endpoint, case=case, action=action, result=case.state
        )
    return {"case_number": case.number, "state": case.state, "replayed": False}


def _apply(*, case, action: str, data: dict) -> Case:
    department = ActorKind.DEPARTMENT
    if action == "sign":
        return case_sign(case=case, actor_kind=department)
    if action == "start":
        return case_start(case=case, actor_kind=department)
    return case_answer(
        case=case,
        actor_kind=department,
        answer=data.get("answer", ""),
        finding=data.get("finding", ""),
        measures=data.get("measures", ""),
    )
