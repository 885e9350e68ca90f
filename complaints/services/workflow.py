"""The case state machine and the back-office workflow (issue 6).

Owns: `case_transition` — the only code that changes Case.state (permission check, state
check against choices.TRANSITIONS, row lock, audit event in the same transaction, notice after
commit); assignment documents (交办单); extension (延期); supervision of overdue cases (督办);
the deadline sweep; readiness for publication.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts import roles
from portal.audit.services import audit_append

from ..choices import (
    DEPARTMENT_STATES,
    TRANSITIONS,
    ActorKind,
    CaseAction,
    CaseState,
    ExtensionStatus,
    Finding,
    HandlingAction,
    HandlingTier,
    PublicationStatus,
)
from ..models import AssignmentDocument, Case, ExtensionRequest
from ..workdays import add_working_days
from .intake import _notify, counter_next

ERR_REASON = _("请填写理由 (a reason is required)")
ERR_DEPARTMENT = _("请选择承办部门 (choose the department)")
ERR_TRANSFER_UNIT = _("申请改派必须写明应由哪个单位办理 (name the responsible unit)")
ERR_TRANSFER_SAME = _("改派单位不能是本单位 (name another unit)")
ERR_ANSWER = _("请填写答复内容和核查结论 (answer and finding required)")
ERR_CLOSE = _("办结须记录问题是否解决、问题性质和处理方式 (solved, tier and action required)")
ERR_RECTIFY_BY = _("预警告知函须写明整改期限 (a rectification deadline is required)")
ERR_MERGE = _("请指定合并到的投诉件 (choose the case to merge into)")
ERR_REOPEN_LIMIT = _("该投诉件已重新办理过，不能再次重办 (reopened once already)")
ERR_EXTENSION_STATE = _("只有在办的投诉件可以申请延期 (only open department cases)")
ERR_EXTENSION_DAYS = _("延期天数须在 1 到 %(n)s 个工作日之间 (1..%(n)s working days)")
ERR_EXTENSION_DONE = _("该延期申请已处理 (already decided)")
ERR_RETALIATION_ASSIGN = _(
    "打击报复线索不得交给被投诉单位办理 (never to the department complained about)"
)
ERR_PUBLICATION = _("只有办结的投诉件可以决定是否公开 (only closed cases)")


class InvalidTransition(ValidationError):
    """The action is not allowed from the case's current state."""


def actor_kind_for(*, user, case) -> str:
    """Which role this user acts in on this case; PermissionDenied when none."""
    if roles.is_office(user):
        return ActorKind.OFFICE
    if roles.is_department(user) and case.department_id == user.unit_id:
        return ActorKind.DEPARTMENT
    raise PermissionDenied


def deadline_working_days(*, category) -> int:
    if category.deadline_working_days:
        return category.deadline_working_days
    by_code = settings.CASE_DEADLINE_WORKING_DAYS_BY_CATEGORY
    if category.code in by_code:
        return int(by_code[category.code])
    from cms.selectors import portal_rules

    return portal_rules().case_deadline_working_days


def _deadline_from_today(*, category, today: date | None = None) -> date:
    today = today or timezone.localdate()
    return add_working_days(today, deadline_working_days(category=category))


def case_transition(
    *,
    case: Case,
    action: str,
    actor=None,
    actor_kind: str | None = None,
    reason: str = "",
    department=None,
    deadline: date | None = None,
    answer: str = "",
    finding: str = "",
    measures: str = "",
    solved: bool | None = None,
    handling_tier: str = "",
    handling_action: str = "",
    follow_up_on: date | None = None,
    merge_into: Case | None = None,
    to_unit=None,
    urgent: bool | None = None,
    rectify_by: date | None = None,
    evidence=(),
) -> Case:
    """Apply one action of the state machine; the only code that changes `case.state`.

    `actor` is the user; `actor_kind` is given only for the complainant (receipt holder) and
    the system (tasks). Raises PermissionDenied, InvalidTransition or ValidationError.
    """
    if action not in TRANSITIONS:
        raise InvalidTransition(_("未知操作 (unknown action)"))
    sources, target, allowed = TRANSITIONS[action]
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("category").get(pk=case.pk)
        kind = actor_kind or actor_kind_for(user=actor, case=case)
        if kind not in allowed:
            raise PermissionDenied
        if action == CaseAction.ANSWER and (kind == ActorKind.OFFICE) != (
            case.state == CaseState.ACCEPTED
        ):
            # the office answers only the cases it keeps; assigned ones the department answers
            raise PermissionDenied
        if case.state not in sources:
            raise InvalidTransition(
                _("“%(state)s”状态下不能“%(action)s” (not allowed in this state)"),
                params={"state": CaseState(case.state).label, "action": CaseAction(action).label},
            )
        before = {"state": case.state}
        after = {"state": target}
        fields = ["state", "state_reason", "updated_at"]
        reason = (reason or "").strip()
        case.state_reason = reason
        if action in (CaseAction.REJECT, CaseAction.RETURN, CaseAction.TRANSFER_REFUSE):
            if not reason:
                raise ValidationError({"reason": ERR_REASON})
            after["reason"] = reason
        elif action == CaseAction.MERGE:
            if merge_into is None or merge_into.pk == case.pk:
                raise ValidationError({"merge_into": ERR_MERGE})
            case.merged_into = merge_into
            fields.append("merged_into")
            after["merged_into"] = merge_into.number
        elif action == CaseAction.ASSIGN:
            department = department or (
                case.proposed_department if case.state == CaseState.TRANSFER_REQUESTED else None
            )
            if department is None:
                raise ValidationError({"department": ERR_DEPARTMENT})
            if case.retaliation and department.pk in _complained_about(case):
                raise ValidationError({"department": ERR_RETALIATION_ASSIGN})
            deadline = deadline or _deadline_from_today(category=case.category)
            before["department"] = case.department_id
            case.department, case.deadline = department, deadline
            if urgent is not None:
                case.urgent = urgent
                fields.append("urgent")
            case.proposed_department = None
            case.supervised_at = None
            case.reminded_on = None
            fields += [
                "department",
                "deadline",
                "proposed_department",
                "supervised_at",
                "reminded_on",
            ]
            doc = _document_issue(case=case, actor=actor, reason=reason)
            from .exchange import delivery_create

            delivery_create(document=doc)
            after.update(
                department=department.name, deadline=deadline.isoformat(), document=doc.number
            )
        elif action == CaseAction.TRANSFER_REQUEST:
            if to_unit is None:
                raise ValidationError({"to_unit": ERR_TRANSFER_UNIT})
            if to_unit.pk == case.department_id:
                raise ValidationError({"to_unit": ERR_TRANSFER_SAME})
            if not reason:
                raise ValidationError({"reason": ERR_REASON})
            case.proposed_department = to_unit
            fields.append("proposed_department")
            after.update(to_unit=to_unit.name, reason=reason)
        elif action == CaseAction.TRANSFER_REFUSE:
            case.proposed_department = None
            fields.append("proposed_department")
        elif action == CaseAction.ANSWER:
            if not answer.strip() or finding not in Finding.values:
                raise ValidationError({"answer": ERR_ANSWER})
            case.answer_text, case.finding = answer.strip(), finding
            case.measures, case.answered_at = measures.strip(), timezone.now()
            fields += ["answer_text", "finding", "measures", "answered_at"]
            after["finding"] = finding
            if evidence:
                from ..attachments import attachments_clean
                from .intake import _attachments_store

                cleaned = attachments_clean(evidence)
                _attachments_store(case=case, cleaned=cleaned, evidence=True)
                after["evidence"] = [digest for *_rest, digest in cleaned]
        elif action == CaseAction.APPROVE:
            # a fresh call-back for this answer; earlier answers stay in the audit trail
            case.callback_result, case.callback_at = "", None
            fields += ["callback_result", "callback_at"]
        elif action == CaseAction.REOPEN:
            if case.reopen_count >= settings.CASE_REOPEN_LIMIT:
                raise InvalidTransition(ERR_REOPEN_LIMIT)
            case.reopen_count += 1
            case.deadline = _deadline_from_today(category=case.category)
            case.supervised_at, case.reminded_on = None, None
            fields += ["reopen_count", "deadline", "supervised_at", "reminded_on"]
            after.update(deadline=case.deadline.isoformat(), reason=reason)
        elif action == CaseAction.CLOSE:
            if (
                solved is None
                or handling_tier not in HandlingTier.values
                or handling_action not in HandlingAction.values
            ):
                raise ValidationError({"solved": ERR_CLOSE})
            if handling_action == HandlingAction.WARNING_LETTER and rectify_by is None:
                raise ValidationError({"rectify_by": ERR_RECTIFY_BY})
            case.rectify_by = rectify_by
            fields.append("rectify_by")
            if rectify_by:
                after["rectify_by"] = rectify_by.isoformat()
            case.solved, case.handling_tier = solved, handling_tier
            case.handling_action, case.follow_up_on = handling_action, follow_up_on
            case.closed_at = timezone.now()
            fields += ["solved", "handling_tier", "handling_action", "follow_up_on", "closed_at"]
            after.update(
                solved=solved, handling_tier=handling_tier, handling_action=handling_action
            )
        if reason and "reason" not in after:
            after["reason"] = reason
        case.state = target
        case.save(update_fields=fields)
        audit_append(
            chain=case.audit_chain,
            action=f"case.{action}",
            obj=case,
            actor=actor,
            actor_label="" if actor is not None else str(kind),
            before=before,
            after=after,
        )
        _notify(case=case, event=f"state:{target}")
    return case


ERR_BATCH_EMPTY = _("请选择要批量交办的已受理投诉件 (choose accepted cases)")
ERR_BATCH_ROUTE = _("投诉件 %(n)s 没有可交办的单位，请单独交办 (no unit to route to)")


def route_department(case):
    """The default department for a case: the unit complained about, or the official's."""
    if case.unit_id:
        return case.unit
    if case.official_id:
        return case.official.unit
    return None


def batch_assign(*, cases, actor, title: str):
    """Bundle accepted cases into one weekly batch; each goes to its own department."""
    from ..models import AssignmentBatch

    if not roles.is_office(actor):
        raise PermissionDenied
    cases = [c for c in cases if c.state == CaseState.ACCEPTED]
    if not cases:
        raise ValidationError(ERR_BATCH_EMPTY)
    with transaction.atomic():
        year = timezone.localdate().year
        batch = AssignmentBatch.objects.create(
            number=f"效交批〔{year}〕{counter_next(key=f'JP{year}'):03d}号",
            title=title.strip()[:100] or str(_("每周典型问题交办")),
            created_by=actor,
        )
        for case in cases:
            department = route_department(case)
            if department is None:
                raise ValidationError(ERR_BATCH_ROUTE, params={"n": case.number})
            case = case_transition(
                case=case,
                action=CaseAction.ASSIGN,
                actor=actor,
                department=department,
                reason=str(_("列入批次 %(b)s") % {"b": batch.number}),
            )
            latest = case.documents.order_by("-issued_at", "-id").first()
            AssignmentDocument.objects.filter(pk=latest.pk).update(batch=batch)
    return batch


def _complained_about(case) -> set[int]:
    original = case.related_to
    if original is None:
        return set()
    return {
        pk
        for pk in (
            original.department_id,
            original.unit_id,
            original.official.unit_id if original.official_id else None,
        )
        if pk
    }


def _document_issue(*, case, actor, reason="") -> AssignmentDocument:
    now = timezone.now()
    year = timezone.localdate(now).year
    number = f"效交〔{year}〕{counter_next(key=f'JB{year}'):04d}号"
    body = str(
        _("现将投诉件 %(number)s（%(category)s）交你单位办理，请于 %(deadline)s 前答复。")
        % {
            "number": case.number,
            "category": case.category.name,
            "deadline": case.deadline.isoformat(),
        }
    )
    if reason:
        body += "\n" + reason
    return AssignmentDocument.objects.create(
        number=number,
        case=case,
        department=case.department,
        deadline=case.deadline,
        body=body,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        issued_at=now,
    )


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
    if not roles.is_office(actor):
        raise PermissionDenied
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


def case_supervise(*, case: Case, actor=None, today: date | None = None) -> bool:
    """Open 督办 on an overdue department case (once per deadline). True if opened now."""
    today = today or timezone.localdate()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if (
            case.state not in DEPARTMENT_STATES
            or case.deadline is None
            or case.deadline >= today
            or case.supervised_at is not None
        ):
            return False
        case.supervised_at = timezone.now()
        case.save(update_fields=["supervised_at", "updated_at"])
        audit_append(
            chain=case.audit_chain,
            action="case.supervise",
            obj=case,
            actor=actor,
            actor_label="" if actor else ActorKind.SYSTEM.value,
            after={"deadline": case.deadline.isoformat()},
        )
        _notify(case=case, event="supervise")
    return True


def case_deadline_sweep(*, today: date | None = None) -> dict:
    """Daily: remind departments one working day before the deadline; supervise overdue."""
    today = today or timezone.localdate()
    reminder_day = add_working_days(today, 1)
    open_cases = Case.objects.filter(state__in=DEPARTMENT_STATES, deadline__isnull=False)
    reminded = 0
    for case in open_cases.filter(
        deadline__lte=reminder_day, deadline__gte=today, reminded_on__isnull=True
    ):
        with transaction.atomic():
            updated = Case.objects.filter(pk=case.pk, reminded_on__isnull=True).update(
                reminded_on=today
            )
            if updated:
                _notify(case=case, event="due_soon")
                reminded += 1
    supervised = sum(
        case_supervise(case=case, today=today)
        for case in open_cases.filter(deadline__lt=today, supervised_at__isnull=True)
    )
    follow_ups = 0
    for case in Case.objects.filter(
        state=CaseState.CLOSED, follow_up_on__lte=today, follow_up_reminded=False
    ):
        if Case.objects.filter(pk=case.pk, follow_up_reminded=False).update(
            follow_up_reminded=True
        ):
            _notify(case=case, event="follow_up")
            follow_ups += 1
    return {"reminded": reminded, "supervised": supervised, "follow_ups": follow_ups}


def case_publication_set(*, case: Case, actor, ready: bool, reason: str = "") -> Case:
    """Mark a closed case ready to publish, or keep it unpublished with a reason."""
    if not roles.is_office(actor):
        raise PermissionDenied
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.state != CaseState.CLOSED:
            raise ValidationError(ERR_PUBLICATION)
        if not ready and not reason.strip():
            raise ValidationError({"reason": ERR_REASON})
        before = {"publication": case.publication}
        case.publication = PublicationStatus.READY if ready else PublicationStatus.HELD
        case.publication_reason = "" if ready else reason.strip()[:200]
        case.save(update_fields=["publication", "publication_reason", "updated_at"])
        audit_append(
            chain=case.audit_chain,
            action="case.publication",
            obj=case,
            actor=actor,
            before=before,
            after={"publication": case.publication, "reason": case.publication_reason},
        )
    return case
