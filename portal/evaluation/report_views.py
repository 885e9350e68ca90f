"""The public ranking page and the report and minutes downloads (files, not pages; the
warnings, scores and reports pages are in the Wagtail admin: admin_reports)."""

from datetime import date

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from portal.accounts.guards import Role, role_required
from portal.core.files import private_file_response
from portal.core.text import year_or_none

from . import scores
from .models import MonthlyReport, WarningAction

# the office acts; the leader reads
office_or_leader = role_required(Role.OFFICE, Role.LEADER)


def year_from(request) -> int:
    """The year asked for in `?year=`, this year when none or nonsense."""
    return year_or_none(request.GET.get("year")) or timezone.localdate().year


def ranking_public(request):
    """Public ranking (if the site setting allows): only units with enough ratings."""
    data = scores.ranking_public(year=year_from(request))
    if data is None:
        raise Http404
    return render(request, "evaluation/ranking.html", {"ranking": data})


def month_or_404(year: int, month: int) -> date:
    """The first day of a month typed into a URL; 2026-13 or 2026-0 is not found, not a 500."""
    if not (2000 <= year <= 2999 and 1 <= month <= 12):
        raise Http404
    return date(year, month, 1)


@office_or_leader
def report_file(request, year, month, fmt):
    report = get_object_or_404(MonthlyReport, month=month_or_404(year, month))
    item = get_object_or_404(report.files, fmt=fmt)
    return private_file_response(
        item.file, filename=f"monthly-report-{year}-{month:02d}.{item.file.name.rsplit('.', 1)[-1]}"
    )


@office_or_leader
def warning_minutes(request, pk):
    """The minutes of a warning talk: for whoever sees the warnings page (office, leaders)."""
    action = get_object_or_404(WarningAction.objects.exclude(minutes=""), pk=pk)
    ext = action.minutes.name.rsplit(".", 1)[-1]
    return private_file_response(action.minutes, filename=f"minutes-{action.pk}.{ext}")
