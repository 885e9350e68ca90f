"""Month-end report (领导参阅): built once from SQL aggregates, kept, and exported as PDF and XLSX.

Owns: keeping and rebuilding the month (files in private storage, an audit event). What the
report counts is report_data.leader_report_get (one LeaderReport for the page, the PDF and the
XLSX); the formats are report_pdf and report_xlsx.
"""

from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.accounts.guards import Role, require_role
from portal.audit.services import audit_append
from portal.core.dates import month_start, previous_month

from .choices import ReportFormat
from .models import MonthlyReport, MonthlyReportFile
from .report_data import LeaderReport, leader_report_get
from .report_pdf import report_pdf
from .report_xlsx import report_xlsx

__all__ = [
    "LeaderReport",
    "leader_report_for",
    "monthly_report_build",
    "monthly_report_rebuild",
    "report_data",
    "report_pdf",
    "report_xlsx",
]


def report_data(*, month: date) -> dict:
    """The report of `month` (first day) as the JSON kept with it (LeaderReport.as_dict)."""
    return leader_report_get(month=month).as_dict()


def leader_report_for(*, user, today: date | None = None) -> dict:
    """The report the leader's admin page shows: the latest kept month-end report; before the
    first is kept, this month's figures so far, built on the fly and not kept (`live`).
    Office and leaders only (403 otherwise)."""
    require_role(user, Role.OFFICE, Role.LEADER)
    report = MonthlyReport.objects.order_by("-month").first()
    if report is not None:
        return {"report": report, "data": LeaderReport.from_dict(report.data), "live": False}
    today = today or timezone.localdate()
    return {"report": None, "data": leader_report_get(month=month_start(today)), "live": True}


def _files_write(report: MonthlyReport, data: dict) -> None:
    # stored under random names in private storage (RandomName): only the extension of these
    # names is kept; the download name is chosen by the view
    MonthlyReportFile.objects.create(
        report=report, fmt=ReportFormat.XLSX, file=ContentFile(report_xlsx(data), name="r.xlsx")
    )
    MonthlyReportFile.objects.create(
        report=report, fmt=ReportFormat.PDF, file=ContentFile(report_pdf(data), name="r.pdf")
    )


def monthly_report_build(*, month: date | None = None) -> MonthlyReport:
    """Build and keep the report of `month` (default: the month just ended). Idempotent."""
    month = month_start(month or previous_month(timezone.localdate()))
    existing = MonthlyReport.objects.filter(month=month).first()
    if existing:
        return existing
    data = report_data(month=month)
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(month=month, data=data, created_at=timezone.now())
            _files_write(report, data)
    except IntegrityError:  # built concurrently by another worker
        return MonthlyReport.objects.get(month=month)
    return report


def _summary(data: dict) -> dict:
    return {"ratings": data["ratings"], "bad": data["bad"], "officials": len(data["officials"])}


def monthly_report_rebuild(*, month: date, actor) -> MonthlyReport:
    """The office rebuilds a kept month (after revocations or late corrections): new figures
    and new files replace the old ones, an audit event records the totals before and after.
    Builds the month when it was never built."""
    require_role(actor, Role.OFFICE)
    month = month_start(month)
    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update().filter(month=month).first()
        if report is None:
            report = monthly_report_build(month=month)
            before = None
        else:
            before = _summary(report.data)
            old = list(report.files.all())
            report.data = report_data(month=month)
            report.created_at = timezone.now()
            report.save(update_fields=["data", "created_at"])
            for item in old:
                item.delete()
                name, storage = item.file.name, item.file.storage
                transaction.on_commit(lambda n=name, s=storage: s.delete(n))
            _files_write(report, report.data)
        audit_append(
            chain=f"report:{month:%Y-%m}",
            action="report.rebuild",
            obj=report,
            actor=actor,
            before=before,
            after=_summary(report.data),
        )
    return report
