"""Deadlines of a department case and what happens when they run out.

Owns: the working days a category gives (category, then settings, then the office's site
rules), the reminder one working day before the deadline, supervision of overdue cases (督办,
once per deadline), the reminder on the follow-up (回头看) date; the daily sweep runs them all,
with the escalation of supervisions past their deadline (supervision.py) and the chase of
warning letters past their rectification deadline (measures.py).
"""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.audit.services import audit_append

from ...choices import DEPARTMENT_STATES, ActorKind, CaseState
from ...models import Case
from ...workdays import add_working_days
from ..followups import case_notify_enqueue
from .measures import warning_letter_chase
from .supervision import supervision_sweep


def deadline_working_days(*, category) -> int:
    if category.deadline_working_days:
        return category.deadline_working_days
    by_code = settings.CASE_DEADLINE_WORKING_DAYS_BY_CATEGORY
    if category.code in by_code:
        return int(by_code[category.code])
    from cms.selectors import portal_rules

    return portal_rules().case_deadline_working_days


def deadline_from_today(*, category, today: date | None = None) -> date:
    today = today or timezone.localdate()
    return add_working_days(today, deadline_working_days(category=category))


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
        case_notify_enqueue(case=case, event="supervise")
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
                case_notify_enqueue(case=case, event="due_soon")
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
            case_notify_enqueue(case=case, event="follow_up")
            follow_ups += 1
    return {
        "reminded": reminded,
        "supervised": supervised,
        "follow_ups": follow_ups,
        "escalated": supervision_sweep(today=today),
        "rectify_chased": warning_letter_chase(today=today),
    }
