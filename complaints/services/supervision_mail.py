"""E-mail of a supervision's escalation (督办升级), sent by a task after the escalation's
commit: level 1 to the unit head's own accounts (a department account of the unit whose
name is Unit.head), level 2 to the office's leader accounts (领导参阅). Queues nothing."""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from portal.accounts import roles

from ..choices import SupervisionLevel
from ..models import Supervision


def escalation_recipients(*, supervision: Supervision, level: int) -> list[str]:
    User = get_user_model()
    users = User.objects.filter(is_active=True).exclude(email="")
    if level == SupervisionLevel.UNIT_HEAD:
        unit = supervision.case.department
        if unit is None or not unit.head:
            return []
        users = users.filter(unit=unit, display_name=unit.head)
    else:
        users = users.filter(groups__name=roles.LEADER)
    return sorted(set(users.values_list("email", flat=True)))


def supervision_escalation_mail(*, supervision: Supervision, level: int) -> int:
    """Send the escalation e-mail; returns the number of recipients."""
    emails = escalation_recipients(supervision=supervision, level=level)
    if not emails:
        return 0
    case = supervision.case
    send_mail(
        _("督办升级：投诉件 %(n)s 超过督办期限") % {"n": case.number},
        _("投诉件 %(n)s（承办：%(u)s）已超过督办期限 %(d)s 仍未办结。督办事由：%(r)s")
        % {
            "n": case.number,
            "u": case.department.name if case.department_id else "-",
            "d": supervision.deadline.isoformat(),
            "r": supervision.reason,
        },
        None,
        emails,
    )
    return len(emails)
