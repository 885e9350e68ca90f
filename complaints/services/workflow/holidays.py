"""The office's holiday calendar and the deadlines that depend on it.

Owns: reading a holiday CSV (`date,kind,name[,notice]`, every line checked, the first bad one
named), loading it (all or nothing, idempotent: a date already entered is updated), the audit
event of each change of the calendar, and the recomputation of the deadlines of live cases
that the change moves — each with its own audit event and a notice to the department.

A deadline keeps its number of working days: counted under the old calendar from the day
before the first changed date (or from the day the deadline was set, when later), then counted
again under the new one.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.audit.services import audit_append

from ...choices import DEPARTMENT_STATES, ActorKind, HolidayKind
from ...models import Case, Holiday
from ...workdays import add_working_days, calendar_invalidate, is_working_day, working_days_between
from ..notices import department_notice_post

CALENDAR_CHAIN = "holidays"
ERR_CSV_ENCODING = _("文件不是 UTF-8 编码的 CSV 文本")
ERR_CSV_EMPTY = _("文件中没有节假日数据")
ERR_CSV_COLUMNS = _("第 %(line)s 行：应为“日期,类型,名称[,通知]”三到四列，实为 %(n)s 列")
ERR_CSV_DATE = _("第 %(line)s 行：日期“%(value)s”无效，应写作 2027-02-06 这样的格式")
ERR_CSV_KIND = _(
    "第 %(line)s 行：类型“%(value)s”无效，只能是 holiday（放假）或 workday（调休上班）"
)
ERR_CSV_NAME = _("第 %(line)s 行：节日名称不能为空")
ERR_CSV_LONG = _("第 %(line)s 行：名称不能超过 50 字，通知不能超过 200 字")
ERR_CSV_DUPLICATE = _("第 %(line)s 行：日期 %(value)s 与第 %(first)s 行重复")
NOTICE_DEADLINE = _("节假日安排调整：投诉件 %(n)s 的办理期限由 %(old)s 改为 %(new)s。")
NOTICE_SUPERVISION_DEADLINE = _("节假日安排调整：投诉件 %(n)s 的督办期限由 %(old)s 改为 %(new)s。")

HEADER = ("date", "日期")


@dataclass(frozen=True)
class HolidayRow:
    date: date
    kind: str
    name: str
    notice: str = ""


def holiday_rows_parse(data: bytes | str) -> list[HolidayRow]:
    """The rows of a holiday CSV; ValidationError listing every bad line by its number."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(ERR_CSV_ENCODING) from None
    errors, rows, seen = [], [], {}
    for line, cells in enumerate(csv.reader(io.StringIO(data)), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if line == 1 and cells[0].lower() in HEADER:
            continue
        problem = _row_problem(line, cells, seen)
        if problem:
            errors.append(problem)
            continue
        day = date.fromisoformat(cells[0])
        seen[day] = line
        rows.append(HolidayRow(day, cells[1], cells[2], cells[3] if len(cells) > 3 else ""))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(ERR_CSV_EMPTY)
    return rows


def _row_problem(line, cells, seen) -> ValidationError | None:
    if not 3 <= len(cells) <= 4:
        return ValidationError(ERR_CSV_COLUMNS, params={"line": line, "n": len(cells)})
    try:
        day = date.fromisoformat(cells[0])
        if len(cells[0]) != 10:
            raise ValueError
    except ValueError:
        return ValidationError(ERR_CSV_DATE, params={"line": line, "value": cells[0]})
    if cells[1] not in HolidayKind.values:
        return ValidationError(ERR_CSV_KIND, params={"line": line, "value": cells[1]})
    if not cells[2]:
        return ValidationError(ERR_CSV_NAME, params={"line": line})
    if len(cells[2]) > 50 or (len(cells) > 3 and len(cells[3]) > 200):
        return ValidationError(ERR_CSV_LONG, params={"line": line})
    if day in seen:
        return ValidationError(
            ERR_CSV_DUPLICATE, params={"line": line, "value": day.isoformat(), "first": seen[day]}
        )
    return None


def holidays_load(*, rows: list[HolidayRow], actor=None, source: str = "") -> dict:
    """Store the rows (a date already entered is updated) and recompute the deadlines they
    move, in one transaction. Returns counts: created, updated, unchanged, cases."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "cases": 0}
    with transaction.atomic():
        existing = {h.date: h for h in Holiday.objects.select_for_update()}
        old = {day: h.kind == HolidayKind.WORKDAY for day, h in existing.items()}
        for row in rows:
            found = existing.get(row.date)
            values = {"kind": row.kind, "name": row.name, "notice": row.notice}
            if found is None:
                Holiday.objects.create(date=row.date, **values)
                counts["created"] += 1
            elif any(getattr(found, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(found, k, v)
                found.save(update_fields=[*values, "updated_at"])
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        if counts["created"] or counts["updated"]:
            audit_append(
                chain=CALENDAR_CHAIN,
                action="holidays.load",
                actor=actor,
                actor_label="" if actor else ActorKind.SYSTEM.value,
                object_type="complaints.holiday",
                after={
                    "source": source[:200],
                    "from": min(r.date for r in rows).isoformat(),
                    "to": max(r.date for r in rows).isoformat(),
                    **{k: counts[k] for k in ("created", "updated")},
                },
            )
            counts["cases"] = case_deadlines_recompute(
                old=old, new=Holiday.objects.working_day_map(), actor=actor
            )
        transaction.on_commit(calendar_invalidate)
    calendar_invalidate()
    return counts


def case_deadlines_recompute(*, old: dict, new: dict, actor=None) -> int:
    """Move the deadlines of live department cases that the change of calendar (`old` to
    `new`, both {date: working day}) affects; an audit event and a department notice each.
    Call inside the transaction that changed the calendar. Returns the cases moved."""
    changed = [
        day
        for day in set(old) | set(new)
        if is_working_day(day, overrides=old) != is_working_day(day, overrides=new)
    ]
    if not changed:
        return 0
    anchor = min(changed) - timedelta(days=1)
    moved = 0
    cases = Case.objects.select_for_update().filter(
        state__in=DEPARTMENT_STATES, deadline__gt=anchor
    )
    for case in cases:
        if not is_working_day(case.deadline, overrides=old):
            continue  # a date set by hand on a day off: not a count of working days
        start = max(anchor, _deadline_set_on(case) or anchor)
        n = working_days_between(start, case.deadline, overrides=old)
        deadline = add_working_days(start, n, overrides=new)
        if deadline == case.deadline:
            continue
        before = case.deadline
        case.deadline, case.reminded_on = deadline, None
        case.save(update_fields=["deadline", "reminded_on", "updated_at"])
        audit_append(
            chain=case.audit_chain,
            action="case.deadline_recompute",
            obj=case,
            actor=actor,
            actor_label="" if actor else ActorKind.SYSTEM.value,
            before={"deadline": before.isoformat()},
            after={"deadline": deadline.isoformat(), "reason": "holidays"},
        )
        if case.department_id:
            department_notice_post(
                unit_id=case.department_id,
                case=case,
                event="deadline_changed",
                text=gettext(NOTICE_DEADLINE)
                % {"n": case.number, "old": before.isoformat(), "new": deadline.isoformat()},
            )
        moved += 1
    supervision_deadlines_recompute(old=old, new=new, anchor=anchor, actor=actor)
    return moved


def supervision_deadlines_recompute(*, old: dict, new: dict, anchor: date, actor=None) -> int:
    """The supervised deadline (督办期限) of each live case's current supervision moves with
    the calendar like the case's deadline: the same number of working days from the later of
    its opening day and the day before the first changed day (a date set on a day off is left
    alone). An audit event on the case's chain and a department notice each."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from ...models_handling import Supervision

    newer = Supervision.objects.filter(case_id=OuterRef("case_id"), pk__gt=OuterRef("pk"))
    rows = (
        Supervision.objects.select_for_update()
        .select_related("case")
        .filter(case__state__in=DEPARTMENT_STATES, deadline__gt=anchor)
        .exclude(Exists(newer))
    )
    moved = 0
    for supervision in rows:
        if not is_working_day(supervision.deadline, overrides=old):
            continue
        start = max(anchor, timezone.localdate(supervision.opened_at))
        n = working_days_between(start, supervision.deadline, overrides=old)
        deadline = add_working_days(start, n, overrides=new)
        if deadline == supervision.deadline:
            continue
        before, case = supervision.deadline, supervision.case
        supervision.deadline = deadline
        supervision.save(update_fields=["deadline"])
        audit_append(
            chain=case.audit_chain,
            action="case.supervision_deadline_recompute",
            obj=case,
            actor=actor,
            actor_label="" if actor else ActorKind.SYSTEM.value,
            before={"supervision_deadline": before.isoformat()},
            after={"supervision_deadline": deadline.isoformat(), "reason": "holidays"},
        )
        if case.department_id:
            department_notice_post(
                unit_id=case.department_id,
                case=case,
                event="supervision_deadline",
                text=gettext(NOTICE_SUPERVISION_DEADLINE)
                % {"n": case.number, "old": before.isoformat(), "new": deadline.isoformat()},
            )
        moved += 1
    return moved


# the events that set a deadline by counting working days from their own day (a supervision
# sets the case's deadline to its own: counted from its opening day, as its recompute is)
DEADLINE_SETTERS = (
    "case.assign",
    "case.reopen",
    "case.relapse_reopen",
    "case.extension_decide",
    "case.supervision_open",
)


def _deadline_set_on(case) -> date | None:
    from django.utils import timezone

    from portal.audit.models import AuditEvent

    at = (
        AuditEvent.objects.filter(chain=case.audit_chain, action__in=DEADLINE_SETTERS)
        .order_by("-seq")
        .values_list("created_at", flat=True)
        .first()
    )
    return timezone.localdate(at) if at else None


def holiday_save(*, holiday: Holiday, actor) -> Holiday:
    """Save one entry of the calendar edited in the admin; deadlines it moves are recomputed."""
    with transaction.atomic():
        old = Holiday.objects.select_for_update().working_day_map()
        before = {}
        if holiday.pk:
            previous = Holiday.objects.get(pk=holiday.pk)
            before = {"date": previous.date.isoformat(), "kind": previous.kind}
        holiday.save()
        audit_append(
            chain=CALENDAR_CHAIN,
            action="holidays.save",
            obj=holiday,
            actor=actor,
            before=before,
            after={"date": holiday.date.isoformat(), "kind": holiday.kind, "name": holiday.name},
        )
        case_deadlines_recompute(old=old, new=Holiday.objects.working_day_map(), actor=actor)
    calendar_invalidate()
    return holiday


def holiday_delete(*, holiday: Holiday, actor) -> None:
    """Remove one entry; the day falls back to the official calendar (or Monday–Friday)."""
    with transaction.atomic():
        old = Holiday.objects.select_for_update().working_day_map()
        audit_append(
            chain=CALENDAR_CHAIN,
            action="holidays.delete",
            obj=holiday,
            actor=actor,
            before={"date": holiday.date.isoformat(), "kind": holiday.kind},
        )
        holiday.delete()
        case_deadlines_recompute(old=old, new=Holiday.objects.working_day_map(), actor=actor)
    calendar_invalidate()
