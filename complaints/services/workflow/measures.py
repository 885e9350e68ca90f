"""Measures taken on a case (处理方式), several per case.

Owns: adding a measure (督办通知, 预警告知函 — which needs a rectification deadline —, 约谈,
立案调查, 问责, 通报曝光 — which needs the notice's title and text —, ...), the main one the
office records when closing (closing.case_close calls measure_record inside its state change);
marking a warning letter's rectification done; publishing a public-naming notice at its own
public URL; and the daily chase of warning letters past their rectification deadline (a
notice to the department, once per letter). One audit event per write, same transaction.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.guards import Role, require_role
from portal.audit.services import audit_append

from ...choices import MEASURE_KINDS, CaseState, HandlingAction
from ...models import Case, HandlingMeasure
from ..notices import department_notice_post

ERR_MEASURE_KIND = gettext_lazy("请选择处理方式")
ERR_MEASURE_RECTIFY_BY = gettext_lazy("预警告知函须写明整改期限")
ERR_MEASURE_NOTICE = gettext_lazy("通报曝光须填写通报标题和内容")
ERR_MEASURE_STATE = gettext_lazy("不予受理或已并单的投诉件不能记录处理措施")
ERR_MEASURE_NOT_LETTER = gettext_lazy("只有预警告知函有整改期限")
ERR_MEASURE_NOT_NAMING = gettext_lazy("只有通报曝光有公开的通报")

MEASURE_VALUES = frozenset(v for v, _label in MEASURE_KINDS)


def measure_record(
    *,
    case: Case,
    actor,
    kind: str,
    note: str = "",
    rectify_by: date | None = None,
    notice_title: str = "",
    notice_body: str = "",
    require_notice: bool = True,
) -> HandlingMeasure:
    """Validate and write one measure on a case the caller has locked (no audit here). At
    closing (`require_notice=False`) a public naming may come without its notice yet: it is
    then not publishable until the office adds one as a further measure."""
    if kind not in MEASURE_VALUES:
        raise ValidationError({"kind": ERR_MEASURE_KIND})
    if kind == HandlingAction.WARNING_LETTER and rectify_by is None:
        raise ValidationError({"rectify_by": ERR_MEASURE_RECTIFY_BY})
    notice_title, notice_body = (notice_title or "").strip(), (notice_body or "").strip()
    has_notice = bool(notice_title and notice_body)
    if kind == HandlingAction.PUBLIC_NAMING and require_notice and not has_notice:
        raise ValidationError({"notice_title": ERR_MEASURE_NOTICE})
    return HandlingMeasure.objects.create(
        case=case,
        kind=kind,
        note=(note or "").strip()[:2000],
        rectify_by=rectify_by if kind == HandlingAction.WARNING_LETTER else None,
        notice_title=notice_title[:200] if kind == HandlingAction.PUBLIC_NAMING else "",
        notice_body=notice_body if kind == HandlingAction.PUBLIC_NAMING else "",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _audit(*, case, actor, action: str, measure: HandlingMeasure, after: dict) -> None:
    # the case's updated_at moves too, so the statistics' cache version follows the measures
    case.save(update_fields=["updated_at"])
    audit_append(
        chain=case.audit_chain,
        action=action,
        obj=case,
        actor=actor,
        after={"measure": measure.pk, "kind": measure.kind, **after},
    )


def measure_add(
    *,
    case: Case,
    actor,
    kind: str,
    note: str = "",
    rectify_by: date | None = None,
    notice_title: str = "",
    notice_body: str = "",
) -> HandlingMeasure:
    """The office records a further measure on a case."""
    require_role(actor, Role.OFFICE)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.state in (CaseState.REJECTED, CaseState.MERGED):
            raise ValidationError(ERR_MEASURE_STATE)
        measure = measure_record(
            case=case,
            actor=actor,
            kind=kind,
            note=note,
            rectify_by=rectify_by,
            notice_title=notice_title,
            notice_body=notice_body,
        )
        after = {"rectify_by": rectify_by.isoformat()} if measure.rectify_by else {}
        _audit(case=case, actor=actor, action="case.measure_add", measure=measure, after=after)
    return measure


def _locked(measure: HandlingMeasure) -> tuple[Case, HandlingMeasure]:
    case = Case.objects.select_for_update().get(pk=measure.case_id)
    return case, HandlingMeasure.objects.select_for_update().get(pk=measure.pk)


def measure_rectified(*, measure: HandlingMeasure, actor, on: date | None = None):
    """The office records that a warning letter's rectification was done (stops the chase)."""
    require_role(actor, Role.OFFICE)
    on = on or timezone.localdate()
    with transaction.atomic():
        case, measure = _locked(measure)
        if measure.kind != HandlingAction.WARNING_LETTER:
            raise ValidationError(ERR_MEASURE_NOT_LETTER)
        if measure.rectified_on is not None:
            return measure
        measure.rectified_on = on
        measure.save(update_fields=["rectified_on"])
        _audit(
            case=case,
            actor=actor,
            action="case.measure_rectified",
            measure=measure,
            after={"rectified_on": on.isoformat()},
        )
    return measure


def measure_notice_publish(*, measure: HandlingMeasure, actor) -> HandlingMeasure:
    """Publish a public-naming notice (通报曝光) at its own public page (idempotent)."""
    require_role(actor, Role.OFFICE)
    with transaction.atomic():
        case, measure = _locked(measure)
        if measure.kind != HandlingAction.PUBLIC_NAMING:
            raise ValidationError(ERR_MEASURE_NOT_NAMING)
        if measure.published_at is not None:
            return measure
        if not (measure.notice_title and measure.notice_body):
            raise ValidationError(ERR_MEASURE_NOTICE)
        measure.published_at = timezone.now()
        measure.save(update_fields=["published_at"])
        _audit(
            case=case,
            actor=actor,
            action="case.measure_notice_publish",
            measure=measure,
            after={"title": measure.notice_title},
        )
    return measure


def warning_letter_chase(*, today: date | None = None) -> int:
    """Daily: each warning letter past its rectification deadline and not yet rectified is
    chased once (a notice to the case's department, or to the unit complained about)."""
    today = today or timezone.localdate()
    due = HandlingMeasure.objects.filter(
        kind=HandlingAction.WARNING_LETTER,
        rectify_by__lt=today,
        rectified_on__isnull=True,
        chased_on__isnull=True,
    )
    chased = 0
    for pk, case_id in due.values_list("pk", "case_id"):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case_id)
            if not due.filter(pk=pk).update(chased_on=today):
                continue
            measure = HandlingMeasure.objects.get(pk=pk)
            unit_id = case.department_id or case.unit_id
            if unit_id:
                department_notice_post(
                    unit_id=unit_id,
                    case=case,
                    event="rectify_overdue",
                    text=_("预警告知函整改期限 %(d)s 已过：投诉件 %(n)s，请立即报送整改落实情况。")
                    % {"d": measure.rectify_by.isoformat(), "n": case.number},
                )
            _audit(
                case=case,
                actor=None,
                action="case.measure_chase",
                measure=measure,
                after={"rectify_by": measure.rectify_by.isoformat()},
            )
            chased += 1
    return chased
