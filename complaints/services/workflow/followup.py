"""回头看: the scheduled follow-up check of a closed case and its finding.

Owns: scheduling a check (a date and the office member who checks), recording its finding
(整改到位 held / 问题反弹 relapsed, a note, an optional evidence file stored as the case's
staff-only evidence). A relapse reopens the case to its department through the state
machine (action relapse_reopen) with the same rule and limit as the call-back's reopening
(closing.reopen_within_limit); past the limit the finding is still recorded and its audit
event says the case was not reopened. One audit event per write, same transaction.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.accounts import roles
from portal.accounts.guards import Role, require_role
from portal.audit.services import audit_append

from ...attachments import attachments_clean, attachments_store
from ...choices import ActorKind, CaseAction, CaseState, FollowUpFinding
from ...models import Case, FollowUp
from .closing import reopen_within_limit
from .state import InvalidTransition, case_state_change

ERR_FOLLOWUP_STATE = gettext_lazy("只有办结的投诉件可以安排回头看")
ERR_FOLLOWUP_DATE = gettext_lazy("请填写回头看日期")
ERR_FOLLOWUP_CHECKER = gettext_lazy("核查人须是效能办工作人员")
ERR_FOLLOWUP_FINDING = gettext_lazy("请选择回头看结论")
ERR_FOLLOWUP_DONE = gettext_lazy("该回头看已记录结论")


def followup_schedule(*, case: Case, actor, due_on: date | None, checker) -> FollowUp:
    """The office schedules a 回头看 of a closed case."""
    require_role(actor, Role.OFFICE)
    if due_on is None:
        raise ValidationError({"due_on": ERR_FOLLOWUP_DATE})
    if checker is None or not roles.is_office(checker) or not checker.is_active:
        raise ValidationError({"checker": ERR_FOLLOWUP_CHECKER})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.state != CaseState.CLOSED:
            raise ValidationError(ERR_FOLLOWUP_STATE)
        followup = FollowUp.objects.create(
            case=case, due_on=due_on, checker=checker, scheduled_by=actor
        )
        audit_append(
            chain=case.audit_chain,
            action="case.followup_schedule",
            obj=case,
            actor=actor,
            after={"followup": followup.pk, "due_on": due_on.isoformat(), "checker": checker.pk},
        )
    return followup


def followup_record(
    *, followup: FollowUp, actor, finding: str, note: str = "", evidence=None
) -> FollowUp:
    """Record the finding of a 回头看; a relapse reopens the case to its department."""
    require_role(actor, Role.OFFICE)
    if finding not in FollowUpFinding.values:
        raise ValidationError({"finding": ERR_FOLLOWUP_FINDING})
    cleaned = attachments_clean([evidence]) if evidence else []
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=followup.case_id)
        followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if followup.finding:
            raise ValidationError(ERR_FOLLOWUP_DONE)
        if cleaned:
            attachments_store(case=case, cleaned=cleaned, evidence=True)
            followup.evidence = case.attachments.order_by("-id").first()
        followup.finding, followup.note = finding, (note or "").strip()[:2000]
        followup.recorded_by, followup.recorded_at = actor, timezone.now()
        followup.save(update_fields=["finding", "note", "evidence", "recorded_by", "recorded_at"])
        after = {"followup": followup.pk, "finding": finding}
        if cleaned:
            after["evidence"] = cleaned[0][3]
        if finding == FollowUpFinding.RELAPSED:
            after["reopened"] = _relapse_reopen(case=case, actor=actor, followup=followup)
        audit_append(
            chain=case.audit_chain,
            action="case.followup_record",
            obj=case,
            actor=actor,
            after=after,
        )
    return followup


def _relapse_reopen(*, case: Case, actor, followup: FollowUp) -> bool:
    """Back to the department (limit as for the call-back). False when the limit refuses."""
    # a fixed reason: the checker's note stays with the staff (the public timeline shows reasons)
    reason = str(gettext_lazy("回头看发现问题反弹，重新交部门办理"))
    try:
        with case_state_change(
            case=case,
            action=CaseAction.RELAPSE_REOPEN,
            actor=actor,
            actor_kind=ActorKind.SYSTEM,
            reason=reason,
        ) as change:
            if change.case.department_id is None:
                raise InvalidTransition(ERR_FOLLOWUP_STATE)
            reopen_within_limit(change)
    except InvalidTransition:
        return False
    return True
