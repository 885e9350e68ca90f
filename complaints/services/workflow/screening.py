"""Screening a new clue (the office, or the system for clues it keeps at once).

Owns: accept (受理), reject with a reason (不予受理), merge into another case (并单).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ...choices import CaseAction
from ...models import Case
from .state import case_state_change

ERR_MERGE = _("请指定合并到的投诉件 (choose the case to merge into)")


def case_accept(*, case: Case, actor=None, actor_kind: str | None = None, reason: str = "") -> Case:
    """Accept a submitted clue; `actor_kind` only for the system (no user)."""
    with case_state_change(
        case=case, action=CaseAction.ACCEPT, actor=actor, actor_kind=actor_kind, reason=reason
    ) as change:
        pass
    return change.case


def case_reject(*, case: Case, actor, reason: str = "") -> Case:
    """Refuse a submitted clue; the reason is required (the complainant reads it)."""
    with case_state_change(
        case=case, action=CaseAction.REJECT, actor=actor, reason=reason
    ) as change:
        change.require_reason()
    return change.case


def case_merge(*, case: Case, actor, merge_into: Case | None = None, reason: str = "") -> Case:
    """Merge a clue into another case about the same matter."""
    with case_state_change(
        case=case, action=CaseAction.MERGE, actor=actor, reason=reason
    ) as change:
        if merge_into is None or merge_into.pk == change.case.pk:
            raise ValidationError({"merge_into": ERR_MERGE})
        change.case.merged_into = merge_into
        change.fields.append("merged_into")
        change.after["merged_into"] = merge_into.number
    return change.case
