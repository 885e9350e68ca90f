"""Screening a new clue (the office, or the system for clues it keeps at once).

Owns: accept (受理), reject with a reason (不予受理), merge into another case (并单) — only
into a live main case: not itself, not a merged, closed or rejected one; a case that other
cases were merged into stays the main case and is not merged away.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ...choices import FINAL_STATES, CaseAction, CaseState
from ...models import Case
from .state import case_state_change

ERR_MERGE = _("请指定合并到的投诉件")
ERR_MERGE_SELF = _("投诉件不能并入它自己")
ERR_MERGE_NOT_LIVE = _("投诉件 %(n)s 的状态为“%(state)s”，只能并入正在办理的投诉件")
ERR_MERGE_IS_MAIN = _("已有其他投诉件并入本件，本件不能再并入其他投诉件")


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
    """Merge a clue into another, live case about the same matter (the main case); its
    complainant then follows the main case's handling with their own receipt."""
    if merge_into is None:
        raise ValidationError({"merge_into": ERR_MERGE})
    if merge_into.pk == case.pk:
        raise ValidationError({"merge_into": ERR_MERGE_SELF})
    with transaction.atomic():
        # both rows locked in id order, so two crossing merges cannot both pass
        locked = {
            c.pk: c
            for c in Case.objects.select_for_update()
            .filter(pk__in=[case.pk, merge_into.pk])
            .order_by("pk")
        }
        main = locked[merge_into.pk]
        with case_state_change(
            case=case, action=CaseAction.MERGE, actor=actor, reason=reason
        ) as change:
            if main.state in FINAL_STATES:
                raise ValidationError(
                    {
                        "merge_into": ValidationError(
                            ERR_MERGE_NOT_LIVE,
                            params={"n": main.number, "state": CaseState(main.state).label},
                        )
                    }
                )
            if change.case.merged_cases.exists():
                raise ValidationError({"merge_into": ERR_MERGE_IS_MAIN})
            change.case.merged_into = main
            change.fields.append("merged_into")
            change.after["merged_into"] = main.number
    return change.case
