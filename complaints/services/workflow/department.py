"""The department's work on an assigned case.

Owns: sign (签收), start (开始办理), the answer with its finding and evidence (答复 — the office
answers only the cases it keeps, a department only the ones assigned to it), and extensions
(延期): the department asks, the office approves (the deadline moves by working days) or refuses.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.guards import Role, require_role
from portal.audit.services import audit_append

from ...attachments import attachments_clean, attachments_store
from ...choices import DEPARTMENT_STATES, ActorKind, CaseAction, CaseState, ExtensionStatus, Finding
from ...models import Case, ExtensionRequest
from ...workdays import add_working_days
from .state import ERR_REASON, actor_kind_for, case_state_change

ERR_ANSWER = _("请填写答复内容和核查结论")
ERR_EXTENSION_STATE = _("只有在办的投诉件可以申请延期")
ERR_EXTENSION_DAYS = _("延期天数须在 1 到 %(n)s 个工作日之间")
ERR_EXTENSION_DONE = _("该延期申请已处理")


def case_sign(*, case: Case, actor=None, actor_kind: str | None = None, reason: str = "") -> Case:
    """The department signs for an assigned case; `actor_kind` for its own system."""
    with case_state_change(
        case=case, action=CaseAction.SIGN, actor=actor, actor_kind=actor_kind, reason=reason
    ) as change:
        pass
    return change.case


def case_start(*, case: Case, actor=None, actor_kind: str | None = None, reason: str = "") -> Case:
    """The department starts work on a signed case."""
    with case_state_change(
        case=case, action=CaseAction.START, actor=actor, actor_kind=actor_kind, reason=reason
    ) as change:
        pass
    return change.case


def _answers_this_case(case, kind) -> bool:
    # the office answers only the cases it keeps; assigned ones the department answers
    return (kind == ActorKind.OFFICE) == (case.state == CaseState.ACCEPTED)


def case_answer(
    *,
    case: Case,
    actor=None,
    actor_kind: str | None = None,
    answer: str = "",
    finding: str = "",
    measures: str = "",
    evidence=(),
    reason: str = "",
) -> Case:
    """The answer (答复): text, finding (属实/部分属实/不属实), measures, evidence files."""
    with case_state_change(
        case=case,
        action=CaseAction.ANSWER,
        actor=actor,
        actor_kind=actor_kind,
        reason=reason,
        may_act=_answers_this_case,
    ) as change:
        case = change.case
        if not answer.strip() or finding not in Finding.values:
            raise ValidationError({"answer": ERR_ANSWER})
        case.answer_text, case.finding = answer.strip(), finding
        case.measures, case.answered_at = measures.strip(), timezone.now()
        change.fields += ["answer_text", "finding", "measures", "answered_at"]
        change.after["finding"] = finding
        if evidence:
            cleaned = attachments_clean(evidence)
            attachments_store(case=case, cleaned=cleaned, evidence=True)
            change.after["evidence"] = [digest for *_rest, digest in cleaned]
    return change.case


def extension_request(*, case: Case, actor, working_days: int, reason: str) -> ExtensionRequest:
    """A department asks for more working days (延期)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if actor_kind_for(user=actor, case=case) != ActorKind.DEPARTMENT:
            raise PermissionDenied
        if case.state not in DEPARTMENT_STATES:
            raise ValidationError(ERR_EXTENSION_STATE)
        limit = settings.CASE_EXTENSION_MAX_WORKING_DAYS
        if not 1 <= int(working_days) <= limit:
            raise ValidationError(ERR_EXTENSION_DAYS, params={"n": limit})
        if not reason.strip():
            raise ValidationError({"reason": ERR_REASON})
        ext = ExtensionRequest.objects.create(
            case=case, working_days=working_days, reason=reason.strip(), requested_by=actor
        )
        audit_append(
            chain=case.audit_chain,
            action="case.extension_request",
            obj=case,
            actor=actor,
            after={"extension": ext.pk, "working_days": int(working_days)},
        )
    return ext


def extension_decide(*, extension: ExtensionRequest, actor, approve: bool) -> ExtensionRequest:
    """The office approves (the deadline moves by the working days) or refuses."""
    require_role(actor, Role.OFFICE)
    with transaction.atomic():
        ext = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
        case = Case.objects.select_for_update().get(pk=ext.case_id)
        if ext.status != ExtensionStatus.PENDING:
            raise ValidationError(ERR_EXTENSION_DONE)
        ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        ext.decided_by, ext.decided_at = actor, timezone.now()
        ext.save(update_fields=["status", "decided_by", "decided_at"])
        after = {"extension": ext.pk, "status": ext.status}
        before = {"deadline": case.deadline.isoformat() if case.deadline else None}
        if approve and case.deadline:
            case.deadline = add_working_days(case.deadline, ext.working_days)
            case.supervised_at = None
            case.save(update_fields=["deadline", "supervised_at", "updated_at"])
            after["deadline"] = case.deadline.isoformat()
        audit_append(
            chain=case.audit_chain,
            action="case.extension_decide",
            obj=case,
            actor=actor,
            before=before,
            after=after,
        )
    return ext
