"""Warnings, unit scores, rankings, suspicious patterns and month-end reports (pages)."""

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms.models import Unit
from portal.accounts.guards import Role, holds, require_role, role_required
from portal.core.dates import previous_month
from portal.core.files import private_file_response
from portal.core.text import year_or_none

from . import report_svg, scores, suspicious
from .choices import ViolationKind, WarningActionKind
from .models import MonthlyReport, OfficialWarning, WarningAction
from .reports import LeaderReport, monthly_report_build, monthly_report_rebuild
from .warnings import warning_action_record


class WarningActionForm(forms.Form):
    kind = forms.ChoiceField(label="处置", choices=WarningActionKind.choices)
    done_at = forms.DateTimeField(
        label="时间", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    minutes = forms.FileField(label="谈话记录", required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ViolationForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.order_by("display_order"))
    kind = forms.ChoiceField(label="违纪情形", choices=ViolationKind.choices)
    occurred_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明", required=False)


# the office acts; the leader reads
office_only = role_required(Role.OFFICE)
office_or_leader = role_required(Role.OFFICE, Role.LEADER)


@office_or_leader
def warnings_page(request):
    items = (
        OfficialWarning.objects.select_related("official", "official__unit")
        .prefetch_related("actions")
        .order_by("-created_at")[:300]
    )
    return render(
        request,
        "evaluation/office/warnings.html",
        {
            "warnings": items,
            "form": WarningActionForm(),
            "is_office": holds(request.user, Role.OFFICE),
            "flags": suspicious.suspicious_list() if holds(request.user, Role.OFFICE) else [],
        },
    )


@office_only
@require_POST
def warning_action(request, pk):
    warning = get_object_or_404(OfficialWarning, pk=pk)
    form = WarningActionForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            warning_action_record(
                warning=warning,
                actor=request.user,
                kind=d["kind"],
                done_at=d["done_at"],
                minutes=d["minutes"],
                note=d["note"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("evaluation:office_warnings")
        messages.success(request, _("处置已记录"))
    else:
        messages.error(request, _("请检查填写内容"))
    return redirect("evaluation:office_warnings")


@office_or_leader
def scores_page(request):
    year = _year(request)
    form = ViolationForm(request.POST or None)
    if request.method == "POST":
        require_role(request.user, Role.OFFICE)
        if form.is_valid():
            d = form.cleaned_data
            scores.violation_record(
                unit=d["unit"],
                kind=d["kind"],
                actor=request.user,
                occurred_on=d["occurred_on"],
                note=d["note"],
            )
            messages.success(request, _("已记录"))
            return redirect("evaluation:office_scores")
    return render(
        request,
        "evaluation/office/scores.html",
        {
            "ranking": scores.ranking(year=year),
            "form": form,
            "is_office": holds(request.user, Role.OFFICE),
        },
    )


def _year(request):
    return year_or_none(request.GET.get("year")) or timezone.localdate().year


def ranking_public(request):
    """Public ranking (if the site setting allows): only units with enough ratings."""
    data = scores.ranking_public(year=_year(request))
    if data is None:
        raise Http404
    return render(request, "evaluation/ranking.html", {"ranking": data})


@office_or_leader
def reports_page(request):
    if request.method == "POST":
        require_role(request.user, Role.OFFICE)
        monthly_report_build(month=previous_month(timezone.localdate()))
        return redirect("evaluation:office_reports")
    return render(
        request,
        "evaluation/office/reports.html",
        {"reports": MonthlyReport.objects.order_by("-month")[:36]},
    )


def _month_or_404(year: int, month: int) -> date:
    """The first day of a month typed into a URL; 2026-13 or 2026-0 is not found, not a 500."""
    if not (2000 <= year <= 2999 and 1 <= month <= 12):
        raise Http404
    return date(year, month, 1)


@office_or_leader
def report_detail(request, year, month):
    """The kept report; the office's POST rebuilds it (new figures and files, audited)."""
    first = _month_or_404(year, month)
    if request.method == "POST":
        require_role(request.user, Role.OFFICE)
        get_object_or_404(MonthlyReport, month=first)
        monthly_report_rebuild(month=first, actor=request.user)
        messages.success(request, "报告已重新生成")
        return redirect("evaluation:office_report", year=year, month=month)
    report = get_object_or_404(MonthlyReport, month=first)
    data = LeaderReport.from_dict(report.data)
    return render(
        request,
        "evaluation/office/report.html",
        {
            "report": report,
            "data": data,
            "trend_svg": report_svg.trend_svg(data),
            "units_svg": report_svg.units_svg(data),
            "files": {f.fmt: f for f in report.files.all()},
            "is_office": holds(request.user, Role.OFFICE),
        },
    )


@office_or_leader
def report_file(request, year, month, fmt):
    report = get_object_or_404(MonthlyReport, month=_month_or_404(year, month))
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
