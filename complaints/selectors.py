"""Reads of cases. Sensitive reads go through the access selectors that take the user:
another department's case, or another monitor's report, is a 404 — ids do not leak.

Owns: who may see which case (office and leaders all; a department handler only
`case.department == user.unit`; a monitor only their own reports), the public timeline
(from the case's audit chain), the roster autocomplete.
"""

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from portal.accounts.guards import Role, holds, own_object_or_404, unit_scope
from portal.audit.models import AuditEvent
from portal.core import crypto

from .choices import DEPARTMENT_STATES, FINAL_STATES, CaseState
from .events import PUBLIC_EVENTS, actor_label, event_label
from .models import Case, Category
from .workdays import add_working_days


def category_list():
    return Category.objects.filter(active=True).order_by("display_order", "id")


def case_list_for_user(*, user):
    """Every case this back-office user may see (office/leader: all; department: its own)."""
    qs = Case.objects.select_related("category", "department", "official", "unit")
    return unit_scope(user, qs, unit_field="department_id", see_all=(Role.OFFICE, Role.LEADER))


def case_get_for_user(*, user, pk) -> Case:
    case = case_list_for_user(user=user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def monitor_report_list(*, monitor):
    return Case.objects.filter(monitor=monitor).select_related("category", "official", "unit")


def monitor_report_get(*, monitor, pk) -> Case:
    if not holds(monitor, Role.MONITOR):
        raise Http404
    return own_object_or_404(
        monitor,
        Case.objects.select_related("category", "official", "unit"),
        owner_field="monitor",
        pk=pk,
    )


def case_contact_for_user(*, user, case) -> dict:
    """Decrypted contact of a named complainant — office only (departments never see it,
    so a complained-about department cannot find out who complained)."""
    if not holds(user, Role.OFFICE) or case.anonymous:
        return {}
    return {
        "name": crypto.decrypt(case.contact_name_enc),
        "phone": crypto.decrypt(case.contact_phone_enc),
        "email": crypto.decrypt(case.contact_email_enc),
    }


_PUBLIC_KEYS = ("reason", "department", "deadline", "to_unit", "merged_into")


def case_timeline(*, case, public: bool = True) -> list[dict]:
    events = AuditEvent.objects.filter(chain=case.audit_chain).order_by("seq")
    rows = []
    for event in events:
        if public and event.action not in PUBLIC_EVENTS:
            continue
        if event.action == "case.extension_decide" and "deadline" not in event.after:
            continue
        detail = {k: event.after[k] for k in _PUBLIC_KEYS if event.after.get(k)}
        rows.append(
            {
                "at": event.created_at,
                "action": event.action,
                "label": event_label(event.action, monitor_report=case.monitor_id is not None),
                "detail": detail,
                "actor": "" if public else actor_label(event.actor_label),
            }
        )
    return rows


def case_messages(*, case):
    return case.messages.prefetch_related("attachments").order_by("created_at", "id")


def official_autocomplete(*, query: str, limit: int = 10) -> list[dict]:
    from cms.selectors import official_list

    query = (query or "").strip()
    if not query:
        return []
    return [
        {
            "id": o.pk,
            "name": o.title,
            "unit": o.unit.name,
            "post": o.post,
            "label": f"{o.title} · {o.unit.name} · {o.post}",
        }
        for o in official_list(query=query)[:limit]
    ]


def official_from_label(label: str):
    """Resolve "张伟丽 · 县政务服务中心 · 主任" (or just a unique name) to the official."""
    from cms.selectors import official_list

    parts = [p.strip() for p in (label or "").split("·")]
    if not parts or not parts[0]:
        return None, 0
    qs = official_list(query=parts[0]).filter(title=parts[0])
    if len(parts) > 1 and parts[1]:
        qs = qs.filter(unit__name=parts[1])
    if len(parts) > 2 and parts[2]:
        qs = qs.filter(post=parts[2])
    found = list(qs[:2])
    return (found[0] if len(found) == 1 else None), len(found)


def office_dashboard(*, today=None) -> dict:
    today = today or timezone.localdate()
    start = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))
    in_dept = Case.objects.filter(state__in=DEPARTMENT_STATES)
    by_state = dict(Case.objects.values_list("state").annotate(n=Count("id")))
    return {
        "today": today,
        "today_intake": Case.objects.filter(submitted_at__gte=start).count(),
        "by_state": [(s.label, s.value, by_state.get(s.value, 0)) for s in CaseState],
        "overdue": in_dept.filter(deadline__lt=today).select_related("department")[:50],
        "due_soon": in_dept.filter(
            deadline__gte=today, deadline__lte=add_working_days(today, 2)
        ).select_related("department")[:50],
        "callback_queue": Case.objects.filter(state=CaseState.CALLBACK, callback_result="")[:50],
        "accepted": Case.objects.filter(state=CaseState.ACCEPTED).select_related(
            "category", "unit"
        )[:100],
        "screening": Case.objects.filter(state=CaseState.SUBMITTED).select_related("category")[:50],
        "review": Case.objects.filter(
            Q(state=CaseState.ANSWERED) | Q(state=CaseState.TRANSFER_REQUESTED)
        ).select_related("department")[:50],
    }


def department_inbox(*, user, state: str = "", due: str = "", today=None):
    today = today or timezone.localdate()
    qs = case_list_for_user(user=user).filter(state__in=DEPARTMENT_STATES | {CaseState.ANSWERED})
    if state:
        qs = qs.filter(state=state)
    if due == "overdue":
        qs = qs.filter(deadline__lt=today)
    elif due == "soon":
        qs = qs.filter(deadline__gte=today, deadline__lte=add_working_days(today, 2))
    return qs.order_by("deadline", "id")


def case_similar(*, case, days: int = 90, pool: int = 1000, limit: int = 5) -> list:
    """Earlier cases that read like this one (shown while screening, to merge duplicates)."""
    from datetime import timedelta

    from .similarity import most_similar

    since = case.submitted_at - timedelta(days=days)
    candidates = (
        Case.objects.exclude(pk=case.pk)
        .filter(submitted_at__gte=since, submitted_at__lte=case.submitted_at)
        .exclude(state=CaseState.MERGED)
        .order_by("-submitted_at")
        .values_list("pk", "text")[:pool]
    )
    ranked = most_similar(case.text, list(candidates), limit=limit)
    by_pk = Case.objects.in_bulk([pk for _, pk in ranked])
    return [(round(score, 2), by_pk[pk]) for score, pk in ranked if pk in by_pk]


def published_case_list():
    """Closed cases the office marked ready to publish (for the results/search issue)."""
    from .choices import PublicationStatus

    return Case.objects.filter(
        state=CaseState.CLOSED, publication=PublicationStatus.READY
    ).select_related("category", "department", "official", "unit")


# --- the admin dashboard's queue counts (read-only) -----------------------------------------


def office_queue_counts(*, user, today=None) -> dict[str, int]:
    """What needs a person at the office now. Office and leaders only (else nothing)."""
    if not holds(user, Role.OFFICE, Role.LEADER):
        return {}
    today = today or timezone.localdate()
    open_cases = Case.objects.exclude(state__in=FINAL_STATES)
    return {
        "screening": Case.objects.filter(state=CaseState.SUBMITTED).count(),
        "overdue": Case.objects.filter(state__in=DEPARTMENT_STATES, deadline__lt=today).count(),
        "supervised": open_cases.filter(supervised_at__isnull=False).count(),
        "callbacks": Case.objects.filter(state=CaseState.CALLBACK, callback_result="").count(),
        "retaliation": open_cases.filter(retaliation=True).count(),
    }


def department_queue_counts(*, user, today=None) -> dict[str, int]:
    """A department handler's inbox counts, its own unit's cases only (else nothing)."""
    if not holds(user, Role.DEPARTMENT):
        return {}
    from .services.notices import department_notice_unread_count

    # the same filters as the inbox the panel links to, so a count is what the link lists
    def inbox(**filters):
        return department_inbox(user=user, today=today, **filters).count()

    return {
        "to_sign": inbox(state=CaseState.ASSIGNED),
        "signed": inbox(state=CaseState.SIGNED),
        "in_progress": inbox(state=CaseState.IN_PROGRESS),
        "overdue": inbox(due="overdue"),
        "notices_unread": department_notice_unread_count(user=user),
    }
