"""Warnings, unit scores, rankings, suspicious patterns and month-end reports (pages)."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cms.models import Unit
from portal.accounts import roles
from portal.core.dates import previous_month

from . import scores, suspicious
from .choices import ViolationKind, WarningActionKind
from .models import MonthlyReport, OfficialWarning
from .reports import monthly_report_build
from .warnings import warning_action_record


class WarningActionForm(forms.Form):
    kind = forms.ChoiceField(label="处置", choices=WarningActionKind.choices)
    done_at = forms.DateTimeField(label="时间", required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    minutes = forms.FileField(label="谈话记录", required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ViolationForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.order_by("display_order"))
    kind = forms.ChoiceField(label="违纪情形", choices=ViolationKind.choices)
    occurred_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明", required=False)


def _office(user):
    if not roles.is_office(user):
        raise PermissionDenied


def _office_or_leader(user):
    if not (roles.is_office(user) or roles.is_leader(user)):
        raise PermissionDenied


@login_required
def warnings_page(request):
    _office_or_leader(request.user)
    items = (OfficialWarning.objects.select_related("official", "official__unit")
             .prefetch_related("actions").order_by("-created_at")[:300])
    return render(request, "evaluation/office/warnings.html", {
        "warnings": items, "form": WarningActionForm(), "is_office": roles.is_office(request.user),
        "flags": suspicious.suspicious_list() if roles.is_office(request.user) else [],
    })


@login_required
@require_POST
def warning_action(request, pk):
    _office(request.user)
    warning = get_object_or_404(OfficialWarning, pk=pk)
    form = WarningActionForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        warning_action_record(warning=warning, actor=request.user, kind=d["kind"],
                              done_at=d["done_at"], minutes=d["minutes"], note=d["note"])
        messages.success(request, "处置已记录 (action recorded)")
    else:
        messages.error(request, "请检查填写内容 (please check the form)")
    return redirect("evaluation:office_warnings")


@login_required
def scores_page(request):
    _office_or_leader(request.user)
    year = _year(request)
    form = ViolationForm(request.POST or None)
    if request.method == "POST":
        _office(request.user)
        if form.is_valid():
            d = form.cleaned_data
            scores.violation_record(unit=d["unit"], kind=d["kind"], actor=request.user,
                                    occurred_on=d["occurred_on"], note=d["note"])
            messages.success(request, "已记录 (recorded)")
            return redirect("evaluation:office_scores")
    return render(request, "evaluation/office/scores.html", {
        "ranking": scores.ranking(year=year), "form": form,
        "is_office": roles.is_office(request.user),
    })


def _year(request):
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


def ranking_public(request):
    """Public ranking (if the site setting allows): only units with enough ratings."""
    data = scores.ranking_public(year=_year(request))
    if data is None:
        raise Http404
    return render(request, "evaluation/ranking.html", {"ranking": data})


@login_required
def reports_page(request):
    _office_or_leader(request.user)
    if request.method == "POST":
        _office(request.user)
        monthly_report_build(month=previous_month(timezone.localdate()))
        return redirect("evaluation:office_reports")
    return render(request, "evaluation/office/reports.html",
                  {"reports": MonthlyReport.objects.order_by("-month")[:36]})


@login_required
def report_detail(request, year, month):
    _office_or_leader(request.user)
    report = get_object_or_404(MonthlyReport, month=date(year, month, 1))
    return render(request, "evaluation/office/report.html",
                  {"report": report, "data": report.data,
                   "files": {f.fmt: f for f in report.files.all()}})


@login_required
def report_file(request, year, month, fmt):
    _office_or_leader(request.user)
    report = get_object_or_404(MonthlyReport, month=date(year, month, 1))
    item = get_object_or_404(report.files, fmt=fmt)
    return FileResponse(item.file.open("rb"), as_attachment=True,
                        filename=f"monthly-report-{year}-{month:02d}.{fmt}")
