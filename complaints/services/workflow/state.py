"""The one place that changes Case.state.

Owns: who acts in which role on a case (`actor_kind_for`), and `case_state_change` — the row
lock, the permission and state checks against choices.TRANSITIONS, the save, the audit event
in the same transaction and the notice after commit. Each action service (screening,
assignment, department, closing) validates and sets its own fields inside it.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.accounts import roles
from portal.audit.services import audit_append

from ...choices import RESTORES, TRANSITIONS, ActorKind, CaseAction, CaseState
from ...models import Case
from ..followups import case_notify_enqueue

ERR_REASON = _("请填写理由")


class InvalidTransition(ValidationError):
    """The action is not allowed from the case's current state."""


def actor_kind_for(*, user, case) -> str:
    """Which role this user acts in on this case; PermissionDenied when none."""
    if roles.is_office(user):
        return ActorKind.OFFICE
    if roles.is_department(user) and case.department_id == user.unit_id:
        return ActorKind.DEPARTMENT
    raise PermissionDenied


@dataclass
class StateChange:
    """The locked case and what its action records: the fields to save and the audit
    event's before/after. `kind` is the role the actor acts in; `reason` is stripped.
    `target` is the map's next state; `restore` sets another one the action may go back to
    (choices.RESTORES)."""

    case: Case
    kind: str
    reason: str
    before: dict
    after: dict
    action: str = ""
    target: str = ""
    fields: list = field(default_factory=list)

    def restore(self, state: str) -> None:
        if state not in RESTORES.get(self.action, ()):
            raise ValueError(f"{self.action} cannot lead to {state}")
        self.target = state
        self.after["state"] = state

    def require_reason(self) -> None:
        if not self.reason:
            raise ValidationError({"reason": ERR_REASON})
        self.after["reason"] = self.reason


@contextmanager
def case_state_change(
    *,
    case: Case,
    action: str,
    actor=None,
    actor_kind: str | None = None,
    reason: str = "",
    may_act: Callable[[Case, str], bool] | None = None,
) -> Iterator[StateChange]:
    """Apply one action of the state machine (the only code that sets `case.state`).

    Locks the case, then checks the actor (PermissionDenied, also when `may_act`, an action's
    own rule on who may act, says no) and the state (InvalidTransition); the block validates
    and sets the action's fields on `change.case`; then the state is set, saved, audited and
    the complainant/department notice queued, all in one transaction. `actor` is the user;
    `actor_kind` is given only for the complainant (receipt holder), the system (tasks) and a
    department's own system (exchange)."""
    sources, target, allowed = TRANSITIONS[action]
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("category").get(pk=case.pk)
        kind = actor_kind or actor_kind_for(user=actor, case=case)
        if kind not in allowed or (may_act is not None and not may_act(case, kind)):
            raise PermissionDenied
        if case.state not in sources:
            raise InvalidTransition(
                _("“%(state)s”状态下不能“%(action)s”"),
                params={"state": CaseState(case.state).label, "action": CaseAction(action).label},
            )
        reason = (reason or "").strip()
        case.state_reason = reason
        change = StateChange(
            case=case,
            kind=kind,
            reason=reason,
            before={"state": case.state},
            after={"state": target},
            action=action,
            target=target,
            fields=["state", "state_reason", "updated_at"],
        )
        yield change
        if reason and "reason" not in change.after:
            change.after["reason"] = reason
        case.state = target = change.target
        case.save(update_fields=change.fields)
        audit_append(
            chain=case.audit_chain,
            action=f"case.{action}",
            obj=case,
            actor=actor,
            actor_label="" if actor is not None else str(kind),
            before=change.before,
            after=change.after,
        )
        case_notify_enqueue(case=case, event=f"state:{target}")
