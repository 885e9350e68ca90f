"""督办 (supervision) with a reason and a supervised deadline, and its escalation.

Owns: the office opening 督办 by hand on a case a department holds (a reason and a new
deadline, which becomes the case's deadline); the automatic 督办 of an urgent case at its
assignment, with the shorter deadline CASE_URGENT_DEADLINE_WORKING_DAYS (called by
assignment.case_assign inside its state change); and the escalation the daily sweep runs
when the supervised deadline passes with the case still at the department: first a notice to
the unit (addressed to its head, Unit.head, whose own accounts also get an e-mail), then, one
sweep later, to the office's leader accounts (领导参阅). Only the newest supervision of a case
escalates; each step is one audit event in the same transaction as its write.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.guards import Role, require_role
from portal.audit.services import audit_append
from portal.outbox.services import outbox_enqueue

from ...choices import DEPARTMENT_STATES, SupervisionLevel
from ...models import Case, Supervision
from ...tasks.supervision import supervision_escalation_mail_task
from ...workdays import add_working_days
from ..notices import department_notice_post

ERR_SUPERVISION_REASON = gettext_lazy("请填写督办事由")
ERR_SUPERVISION_DEADLINE = gettext_lazy("请填写督办期限，且不早于今天")
ERR_SUPERVISION_STATE = gettext_lazy("只能督办正在部门办理的投诉件")


def urgent_deadline(*, today: date | None = None) -> date:
    """The deadline of an urgent case, supervised at once on assignment."""
    today = today or timezone.localdate()
    return add_working_days(today, settings.CASE_URGENT_DEADLINE_WORKING_DAYS)


def _open(*, case: Case, reason: str, deadline: date, actor, automatic: bool) -> Supervision:
    """Write the supervision on a locked case and set the case's deadline (no audit here)."""
    supervision = Supervision.objects.create(
        case=case, reason=reason, deadline=deadline, automatic=automatic, opened_by=actor
    )
    # a new deadline: its own reminder and its own overdue 督办 (deadlines.case_supervise,
    # once per deadline, marked by supervised_at) when it passes, with the escalation
    case.deadline, case.reminded_on, case.supervised_at = deadline, None, None
    return supervision


def supervision_open_urgent(*, case: Case, deadline: date) -> tuple[Supervision, date]:
    """At assignment of an urgent case (inside case_assign's state change, the case locked):
    supervised at once, with the shorter of the given and the urgent deadline. The caller
    saves the case and records both in its audit event."""
    deadline = min(deadline, urgent_deadline())
    supervision = _open(
        case=case,
        reason=str(_("紧急件，交办即督办")),
        deadline=deadline,
        actor=None,
        automatic=True,
    )
    return supervision, deadline


def supervision_open(
    *, case: Case, actor, reason: str, deadline: date | None, today: date | None = None
) -> Supervision:
    """The office opens 督办 by hand on a case a department holds."""
    require_role(actor, Role.OFFICE)
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ERR_SUPERVISION_REASON})
    if deadline is None or deadline < today:
        raise ValidationError({"deadline": ERR_SUPERVISION_DEADLINE})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.state not in DEPARTMENT_STATES or case.department_id is None:
            raise ValidationError(ERR_SUPERVISION_STATE)
        before = {"deadline": case.deadline.isoformat() if case.deadline else None}
        supervision = _open(
            case=case, reason=reason[:2000], deadline=deadline, actor=actor, automatic=False
        )
        case.save(update_fields=["supervised_at", "deadline", "reminded_on", "updated_at"])
        audit_append(
            chain=case.audit_chain,
            action="case.supervision_open",
            obj=case,
            actor=actor,
            before=before,
            # "supervision_reason", not "reason": the office's words stay off the public timeline
            after={"deadline": deadline.isoformat(), "supervision_reason": supervision.reason},
        )
        department_notice_post(
            unit_id=case.department_id,
            case=case,
            event="supervise",
            text=_("督办：投诉件 %(n)s，请于 %(d)s 前办结。督办事由：%(r)s")
            % {"n": case.number, "d": deadline.isoformat(), "r": supervision.reason},
        )
    return supervision


def _due_for_escalation(today: date):
    newer = Supervision.objects.filter(case_id=OuterRef("case_id"), pk__gt=OuterRef("pk"))
    return (
        Supervision.objects.filter(
            deadline__lt=today,
            level__lt=SupervisionLevel.LEADER,
            case__state__in=DEPARTMENT_STATES,
        )
        .exclude(escalated_on__gte=today)
        .exclude(Exists(newer))
    )


def supervision_escalate(*, supervision: Supervision, today: date | None = None) -> bool:
    """One step up for a supervision whose deadline passed (at most one step a day): the
    unit's head, then the office's leaders. True if it moved now."""
    today = today or timezone.localdate()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=supervision.case_id)
        supervision = _due_for_escalation(today).filter(pk=supervision.pk).first()
        if supervision is None:
            return False
        before = supervision.level
        supervision.level = before + 1
        supervision.escalated_on = today
        supervision.save(update_fields=["level", "escalated_on"])
        audit_append(
            chain=case.audit_chain,
            action="case.supervision_escalate",
            obj=case,
            actor=None,
            actor_label="system",
            before={"level": before},
            after={"level": supervision.level, "deadline": supervision.deadline.isoformat()},
        )
        if supervision.level == SupervisionLevel.UNIT_HEAD:
            head = case.department.head if case.department_id else ""
            department_notice_post(
                unit_id=case.department_id,
                case=case,
                event="supervise_escalate",
                text=_(
                    "督办升级：投诉件 %(n)s 已超过督办期限 %(d)s，请单位主要负责人%(h)s阅处并督促办结。"
                )
                % {"n": case.number, "d": supervision.deadline.isoformat(), "h": head},
            )
        outbox_enqueue(
            supervision_escalation_mail_task,
            kwargs={"supervision_id": supervision.pk, "level": supervision.level},
        )
    return True


def supervision_sweep(*, today: date | None = None) -> int:
    """Daily (from the deadline sweep): escalate every supervision past its deadline."""
    today = today or timezone.localdate()
    return sum(
        supervision_escalate(supervision=s, today=today)
        for s in _due_for_escalation(today).only("pk", "case_id")
    )
