"""In-app notices to departments (部门通知): written by the notify code together with the
e-mail and SMS, read by the unit's handlers. A department handler sees and marks only its own
unit's notices; another unit's notice is "not found" so ids do not leak. Read state is per
unit (the handlers of a unit share one inbox). The reads are here too, next to the one rule
that scopes them."""

from datetime import timedelta

from django.http import Http404
from django.utils import timezone

from portal.accounts.guards import holds, require_role, unit_object_or_404, unit_scope
from portal.accounts.roles import Role

from ..models import DepartmentNotice

# a notify task retried after a mail-server error runs again: the same notice within this
# window is not written twice
DEDUPE_WINDOW = timedelta(minutes=10)


def department_notice_post(*, unit_id: int, case, event: str, text: str) -> DepartmentNotice:
    """Write one notice for a unit (idempotent within DEDUPE_WINDOW)."""
    text = text[:300]
    recent = DepartmentNotice.objects.filter(
        unit_id=unit_id,
        case=case,
        event=event,
        text=text,
        created_at__gte=timezone.now() - DEDUPE_WINDOW,
    ).first()
    if recent is not None:
        return recent
    return DepartmentNotice.objects.create(unit_id=unit_id, case=case, event=event, text=text)


def _notices_for(user):
    """The unit's inbox: department handlers only (the office reads cases, not notices)."""
    require_role(user, Role.DEPARTMENT)
    return unit_scope(user, DepartmentNotice.objects.all(), unit_field="unit_id", see_all=())


def department_notice_list_for_user(*, user, unread_only: bool = False):
    qs = _notices_for(user).select_related("case")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def department_notice_unread_count(*, user) -> int:
    """Unread notices of the user's unit; 0 for anyone who is not a department handler."""
    if not holds(user, Role.DEPARTMENT):
        return 0
    return DepartmentNotice.objects.filter(unit_id=user.unit_id, read_at__isnull=True).count()


def department_notice_get_for_user(*, user, pk: int) -> DepartmentNotice:
    require_role(user, Role.DEPARTMENT)
    return unit_object_or_404(
        user, DepartmentNotice.objects.all(), unit_field="unit_id", see_all=(), pk=pk
    )


def department_notice_read(*, user, notice: DepartmentNotice | None = None) -> int:
    """Mark one notice (or, without one, all of the unit's notices) read. Returns how many."""
    qs = _notices_for(user).filter(read_at__isnull=True)
    if notice is not None:
        if notice.unit_id != user.unit_id:
            raise Http404
        qs = qs.filter(pk=notice.pk)
    return qs.update(read_at=timezone.now(), read_by=user)
