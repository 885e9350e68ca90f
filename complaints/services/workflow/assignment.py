"""Assignment to a department (交办) and its transfer (改派).

Owns: assign (a deadline in working days — an urgent case is supervised at once with a
shorter one, services.workflow.supervision —, an assignment document 交办单 numbered per year and
sent to the department's system), the weekly batch, the default department, the rule that a
retaliation report never goes to the department complained about, a department's request to
transfer and the office's refusal.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.guards import Role, require_role
from portal.audit.models import AuditEvent

from ...choices import CaseAction, CaseState
from ...models import AssignmentBatch, AssignmentDocument, Case
from ..counters import counter_next
from ..exchange import delivery_create
from .deadlines import deadline_from_today
from .state import ERR_REASON, case_state_change
from .supervision import supervision_open_urgent

ERR_DEPARTMENT = _("请选择承办部门")
ERR_TRANSFER_UNIT = _("申请改派必须写明应由哪个单位办理")
ERR_TRANSFER_SAME = _("改派单位不能是本单位")
ERR_RETALIATION_ASSIGN = _("打击报复线索不得交给被投诉单位办理")
ERR_BATCH_EMPTY = _("请选择要批量交办的已受理投诉件")
ERR_BATCH_ROUTE = _("投诉件 %(n)s 没有可交办的单位，请单独交办")


def case_assign(
    *,
    case: Case,
    actor,
    department=None,
    deadline: date | None = None,
    urgent: bool | None = None,
    reason: str = "",
) -> Case:
    """Assign to a department (after a transfer request, by default to the unit it named);
    the deadline defaults to the category's working days from today."""
    with case_state_change(
        case=case, action=CaseAction.ASSIGN, actor=actor, reason=reason
    ) as change:
        case = change.case
        department = department or (
            case.proposed_department if case.state == CaseState.TRANSFER_REQUESTED else None
        )
        if department is None:
            raise ValidationError({"department": ERR_DEPARTMENT})
        if case.retaliation and department.pk in _complained_about(case):
            raise ValidationError({"department": ERR_RETALIATION_ASSIGN})
        deadline = deadline or deadline_from_today(category=case.category)
        change.before["department"] = case.department_id
        case.department, case.deadline = department, deadline
        if urgent is not None:
            case.urgent = urgent
            change.fields.append("urgent")
        case.proposed_department = None
        case.supervised_at = None
        case.reminded_on = None
        change.fields += [
            "department",
            "deadline",
            "proposed_department",
            "supervised_at",
            "reminded_on",
        ]
        if case.urgent:
            # urgent: supervised (督办) at once, with the shorter deadline (Henan's rule)
            _, case.deadline = supervision_open_urgent(case=case, deadline=deadline)
            deadline = case.deadline
            change.after["supervision"] = {"automatic": True, "deadline": deadline.isoformat()}
        doc = _document_issue(case=case, actor=actor, reason=change.reason)
        delivery_create(document=doc)
        change.after.update(
            department=department.name, deadline=deadline.isoformat(), document=doc.number
        )
    return change.case


def case_transfer_request(*, case: Case, actor, to_unit=None, reason: str = "") -> Case:
    """A department says another unit is responsible (申请改派); the office decides."""
    with case_state_change(
        case=case, action=CaseAction.TRANSFER_REQUEST, actor=actor, reason=reason
    ) as change:
        if to_unit is None:
            raise ValidationError({"to_unit": ERR_TRANSFER_UNIT})
        if to_unit.pk == change.case.department_id:
            raise ValidationError({"to_unit": ERR_TRANSFER_SAME})
        if not change.reason:
            raise ValidationError({"reason": ERR_REASON})
        change.case.proposed_department = to_unit
        change.fields.append("proposed_department")
        change.after.update(to_unit=to_unit.name, reason=change.reason)
    return change.case


def case_transfer_refuse(*, case: Case, actor, reason: str = "") -> Case:
    """The office refuses a transfer request: the case stays with the department, in the state
    it was in before the request (assigned or signed), and the proposed unit is cleared."""
    with case_state_change(
        case=case, action=CaseAction.TRANSFER_REFUSE, actor=actor, reason=reason
    ) as change:
        change.require_reason()
        change.restore(_state_before_transfer_request(change.case))
        change.before["proposed_department"] = change.case.proposed_department_id
        change.case.proposed_department = None
        change.fields.append("proposed_department")
    return change.case


def _state_before_transfer_request(case) -> str:
    """The state the last transfer request started from, as its audit event recorded it."""
    before = (
        AuditEvent.objects.filter(
            chain=case.audit_chain, action=f"case.{CaseAction.TRANSFER_REQUEST}"
        )
        .order_by("-seq")
        .values_list("before", flat=True)
        .first()
    )
    state = (before or {}).get("state")
    return state if state in (CaseState.ASSIGNED, CaseState.SIGNED) else CaseState.ASSIGNED


def route_department(case):
    """The default department for a case: the unit complained about, or the official's."""
    if case.unit_id:
        return case.unit
    if case.official_id:
        return case.official.unit
    return None


def batch_assign(*, cases, actor, title: str):
    """Bundle accepted cases into one weekly batch; each goes to its own department."""
    require_role(actor, Role.OFFICE)
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
            case = case_assign(
                case=case,
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
