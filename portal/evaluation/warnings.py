"""The four-level warning engine (四级预警), as a service over one SQL aggregate.

Owns: which votes count (不满意 / 差评, not revoked), the calendar month and year to date of a
given day, raising each level once per official and period (the unique constraint makes
re-runs and concurrent runs idempotent), and notifying the office of new warnings.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cms.selectors import portal_rules
from portal.audit.seals import record_seal
from portal.audit.services import audit_append
from portal.core.dates import month_start, year_start

from . import rules
from .choices import WarningPeriod
from .models import OfficialWarning, Rating


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def bad_counts(*, day: date, official_ids=None, min_month=1, min_year=1):
    """[(official_id, month_count, year_count)] of 不满意 votes not revoked, up to `day`."""
    month, first_of_year = month_start(day), year_start(day)
    qs = (
        Rating.objects.active()
        .bad()
        .filter(month__gte=first_of_year, month__lte=month, created_at__lt=_day_end(day))
    )
    if official_ids is not None:
        qs = qs.filter(official_id__in=official_ids)
    rows = (
        qs.values("official_id")
        .annotate(m=Count("id", filter=Q(month=month)), y=Count("id"))
        .filter(Q(m__gte=min_month) | Q(y__gte=min_year))
        .values_list("official_id", "m", "y")
    )
    return list(rows)


def warnings_compute(*, day: date | None = None, official_ids=None) -> list[OfficialWarning]:
    """Raise every warning crossed by `day` (default today). Returns the newly raised ones."""
    day = day or timezone.localdate()
    thresholds = portal_rules().warning_thresholds
    min_month = min(t[0] for t in thresholds.values())
    min_year = min(t[1] for t in thresholds.values())
    now = timezone.now()
    candidates = []
    for official_id, m, y in bad_counts(
        day=day, official_ids=official_ids, min_month=min_month, min_year=min_year
    ):
        for level, kind in rules.warning_levels(month_count=m, year_count=y, thresholds=thresholds):
            start = month_start(day) if kind == "month" else year_start(day)
            candidates.append(
                OfficialWarning(
                    official_id=official_id,
                    level=level,
                    period_kind=kind,
                    period_start=start,
                    count=m if kind == WarningPeriod.MONTH else y,
                    created_at=now,
                )
            )
    if not candidates:
        return []
    with transaction.atomic():
        OfficialWarning.objects.bulk_create(candidates, ignore_conflicts=True, batch_size=2000)
        # rows stamped with this run's time are the ones this run inserted
        new = list(OfficialWarning.objects.filter(created_at=now).order_by("official_id", "level"))
        for warning in new:  # few: each level once per official and period
            audit_append(
                chain=f"warning:{warning.official_id}",
                action="warning_raise",
                obj=warning,
                actor_label="system",
                after={
                    "level": warning.level,
                    "period": f"{warning.period_kind}:{warning.period_start.isoformat()}",
                    "count": warning.count,
                    "seal": record_seal(warning),
                },
            )
        if new:
            transaction.on_commit(lambda: _notify(new))
    return new


def _notify(new):
    from cms.models import OfficialPage

    names = dict(
        OfficialPage.objects.filter(pk__in=[w.official_id for w in new[:200]]).values_list(
            "pk", "title"
        )
    )
    lines = [
        f"{names.get(w.official_id, w.official_id)}：{w.get_level_display()}"
        f"（{w.get_period_kind_display()} {w.period_start:%Y-%m}，不满意 {w.count}）"
        for w in new[:200]
    ]
    send_mail(
        subject=f"【预警】新增 {len(new)} 条效能预警",
        message="\n".join(lines) + ("\n……" if len(new) > 200 else ""),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=settings.OFFICE_NOTIFY_EMAILS,
        fail_silently=True,
    )


def warning_action_record(
    *, warning: OfficialWarning, actor, kind: str, done_at=None, minutes=None, note: str = ""
):
    """The office records what was done about a warning (告诫 / 谈话 / 诫勉), with minutes:
    checked and cleaned by content (minutes.minutes_clean, ValidationError otherwise) and
    kept in private storage under a random name; the uploaded file name is not kept."""
    from django.core.files.base import ContentFile

    from portal.accounts.guards import Role, require_role

    from .minutes import minutes_clean
    from .models import WarningAction

    require_role(actor, Role.OFFICE)
    cleaned = minutes_clean(minutes) if minutes else None
    with transaction.atomic():
        action = WarningAction(
            warning=warning,
            kind=kind,
            actor=actor,
            done_at=done_at or timezone.now(),
            note=note.strip(),
            created_at=timezone.now(),
        )
        if cleaned is not None:
            data, ext = cleaned
            action.minutes.save(f"minutes.{ext}", ContentFile(data), save=False)
        action.save()
        audit_append(
            chain=f"warning:{warning.official_id}",
            action="warning_action",
            obj=action,
            actor=actor,
            after={
                "warning": warning.pk,
                "kind": kind,
                "done_at": action.done_at.isoformat(),
                "minutes": action.minutes.name if action.minutes else "",
                "seal": record_seal(action),
            },
        )
    return action


def warning_list(*, limit: int = 300):
    """The latest warnings with their official, unit and actions (the warnings page)."""
    return (
        OfficialWarning.objects.select_related("official", "official__unit")
        .prefetch_related("actions")
        .order_by("-created_at")[:limit]
    )
