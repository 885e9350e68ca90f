"""The case section of the month-end leader report: overdue and supervised cases, retaliation
reports and the month's case figures. Registered with portal.evaluation.report_data when the
apps are ready (evaluation may not import complaints; the read side imports both).

Only what a leader needs to act on: the receipt number, the department, the deadline, the
state. Never a complainant's name, contact or text; retaliation reports only as counts."""

from datetime import date, datetime, time

from django.db.models import Count, Q
from django.utils import timezone

from complaints.choices import FINAL_STATES, CaseState
from complaints.models import Case
from portal.core.dates import next_month

MAX_LINES = 10

LABELS = [
    ("cases_received", "投诉受理（件）", "count"),
    ("cases_closed", "办结（件）", "count"),
    ("cases_overdue", "月末超期未答复（件）", "count"),
    ("cases_supervised", "督办（件）", "count"),
    ("retaliation", "打击报复线索（件）", "count"),
]


def _aware(day: date):
    return timezone.make_aware(datetime.combine(day, time.min))


def _line(case: Case, end: date) -> dict:
    """`end`: the month's end, or today for the month in progress."""
    return {
        "number": case.number,
        "department": case.department.name if case.department_id else "—",
        "deadline": case.deadline.isoformat() if case.deadline else "—",
        "state": case.get_state_display(),
        "days_overdue": max(0, (end - case.deadline).days) if case.deadline else 0,
    }


def case_section(*, month: date) -> dict:
    """Figures and lists of `month` (its first day) for the leader report."""
    end = next_month(month)
    start_at, end_at = _aware(month), _aware(end)
    cases = Case.objects.exclude(state=CaseState.MERGED)
    overdue = (
        cases.filter(deadline__lt=end, submitted_at__lt=end_at)
        .exclude(state__in=FINAL_STATES, closed_at__lt=end_at)
        .filter(Q(answered_at__isnull=True) | Q(answered_at__gte=end_at))
        .select_related("department")
    )
    supervised = cases.filter(supervised_at__gte=start_at, supervised_at__lt=end_at)
    counts = cases.aggregate(
        received=Count("id", filter=Q(submitted_at__gte=start_at, submitted_at__lt=end_at)),
        closed=Count(
            "id",
            filter=Q(state=CaseState.CLOSED, closed_at__gte=start_at, closed_at__lt=end_at),
        ),
        n_retaliation=Count(
            "id",
            filter=Q(retaliation=True, submitted_at__gte=start_at, submitted_at__lt=end_at),
        ),
        n_retaliation_open=Count(
            "id",
            filter=Q(retaliation=True, submitted_at__gte=start_at, submitted_at__lt=end_at)
            & ~Q(state__in=FINAL_STATES),
        ),
    )
    n_overdue, n_supervised = overdue.count(), supervised.count()
    upto = min(end, timezone.localdate())
    return {
        "labels": LABELS,
        "figures": {
            "cases_received": counts["received"],
            "cases_closed": counts["closed"],
            "cases_overdue": n_overdue,
            "cases_supervised": n_supervised,
            "retaliation": counts["n_retaliation"],
        },
        "overdue": [_line(c, upto) for c in overdue.order_by("deadline", "number")[:MAX_LINES]],
        "supervised": [
            _line(c, upto)
            for c in supervised.select_related("department").order_by("supervised_at")[:MAX_LINES]
        ],
        "retaliation": counts["n_retaliation"],
        "retaliation_open": counts["n_retaliation_open"],
    }
