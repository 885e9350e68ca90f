"""The office's review of an answer and the end of a case.

Owns: return for rework (退回重办, with a reason), approve (审核通过 — opens a fresh call-back),
reopen after an unsatisfied call-back (once: CASE_REOPEN_LIMIT), close with whether it was
solved, the handling tier and action (a warning letter needs a rectification deadline), and
the decision whether a closed case may be published.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.guards import Role, require_role
from portal.audit.services import audit_append

from ...choices import CaseAction, CaseState, HandlingAction, HandlingTier, PublicationStatus
from ...models import Case, FollowUp
from .deadlines import deadline_from_today
from .measures import measure_record
from .state import ERR_REASON, InvalidTransition, case_state_change

ERR_CLOSE = _("办结须记录问题是否解决、问题性质和处理方式")
ERR_RECTIFY_BY = _("预警告知函须写明整改期限")
ERR_REOPEN_LIMIT = _("该投诉件已重新办理过，不能再次重办")
ERR_PUBLICATION = _("只有办结的投诉件可以决定是否公开")


def case_return(*, case: Case, actor, reason: str = "") -> Case:
    """The office sends an answer back to the department; the reason is required."""
    with case_state_change(
        case=case, action=CaseAction.RETURN, actor=actor, reason=reason
    ) as change:
        change.require_reason()
    return change.case


def case_approve(*, case: Case, actor, reason: str = "") -> Case:
    """The office approves an answer; the complainant's call-back opens."""
    with case_state_change(
        case=case, action=CaseAction.APPROVE, actor=actor, reason=reason
    ) as change:
        # a fresh call-back for this answer; earlier answers stay in the audit trail
        change.case.callback_result, change.case.callback_at = "", None
        change.fields += ["callback_result", "callback_at"]
    return change.case


def case_reopen(*, case: Case, actor=None, actor_kind: str | None = None, reason: str = "") -> Case:
    """Back to the department after the call-back, with a new deadline; `actor_kind` for the
    complainant's own unsatisfied answer."""
    with case_state_change(
        case=case, action=CaseAction.REOPEN, actor=actor, actor_kind=actor_kind, reason=reason
    ) as change:
        reopen_within_limit(change)
    return change.case


def reopen_within_limit(change) -> None:
    """Inside a reopening state change (the call-back's, or a relapsed 回头看's): refuse past
    CASE_REOPEN_LIMIT, else count it and give the department a new deadline."""
    case = change.case
    if case.reopen_count >= settings.CASE_REOPEN_LIMIT:
        raise InvalidTransition(ERR_REOPEN_LIMIT)
    case.reopen_count += 1
    case.deadline = deadline_from_today(category=case.category)
    case.supervised_at, case.reminded_on = None, None
    change.fields += ["reopen_count", "deadline", "supervised_at", "reminded_on"]
    change.after.update(deadline=case.deadline.isoformat(), reason=change.reason)


def case_close(
    *,
    case: Case,
    actor,
    solved: bool | None = None,
    handling_tier: str = "",
    handling_action: str = "",
    follow_up_on: date | None = None,
    rectify_by: date | None = None,
    reason: str = "",
) -> Case:
    """Close (办结): whether it was solved, the tier and the action taken are required."""
    with case_state_change(
        case=case, action=CaseAction.CLOSE, actor=actor, reason=reason
    ) as change:
        case = change.case
        if (
            solved is None
            or handling_tier not in HandlingTier.values
            or handling_action not in HandlingAction.values
        ):
            raise ValidationError({"solved": ERR_CLOSE})
        if handling_action == HandlingAction.WARNING_LETTER and rectify_by is None:
            raise ValidationError({"rectify_by": ERR_RECTIFY_BY})
        case.rectify_by = rectify_by
        change.fields.append("rectify_by")
        if rectify_by:
            change.after["rectify_by"] = rectify_by.isoformat()
        case.solved, case.handling_tier = solved, handling_tier
        case.handling_action, case.follow_up_on = handling_action, follow_up_on
        case.closed_at = timezone.now()
        change.fields += ["solved", "handling_tier", "handling_action", "follow_up_on", "closed_at"]
        if follow_up_on is not None:
            # the 回头看 date given at closing is a scheduled check, by the closing officer
            FollowUp.objects.create(
                case=case, due_on=follow_up_on, checker=actor, scheduled_by=actor
            )
            change.after["follow_up_on"] = follow_up_on.isoformat()
        if handling_action != HandlingAction.NONE:
            # the main action is also the case's first measure (further ones: measures.py)
            measure = measure_record(
                case=case,
                actor=actor,
                kind=handling_action,
                rectify_by=rectify_by,
                require_notice=False,
            )
            change.after["measure"] = measure.pk
        change.after.update(
            solved=solved, handling_tier=handling_tier, handling_action=handling_action
        )
    return change.case


def case_publication_set(*, case: Case, actor, ready: bool, reason: str = "") -> Case:
    """Mark a closed case ready to publish, or keep it unpublished with a reason."""
    require_role(actor, Role.OFFICE)
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
