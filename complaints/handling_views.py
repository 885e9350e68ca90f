"""The office's handling forms on a case page (issue 20): 回头看 and measures (督办 is a case
action, complaints.admin.actions). Each is a small form posting to its own view (mounted in
the admin by complaints.admin.viewsets), which parses, calls one service and goes back to the
case page; the office only (anyone else gets a 404, as for the other office screens).
`handling_context` is what the case page shows of them."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portal.accounts import roles
from portal.accounts.guards import Role, role_required

from . import selectors
from .choices import MEASURE_KINDS, CaseState, FollowUpFinding
from .models import FollowUp, HandlingMeasure
from .services import workflow

office_only = role_required(Role.OFFICE, hide=True)


class SupervisionForm(forms.Form):
    reason = forms.CharField(label=_("督办事由"), max_length=2000, widget=forms.Textarea)
    deadline = forms.DateField(label=_("督办期限"))


class FollowUpScheduleForm(forms.Form):
    due_on = forms.DateField(label=_("回头看日期"))
    checker = forms.ModelChoiceField(label=_("核查人"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checker"].queryset = office_accounts()


class FollowUpRecordForm(forms.Form):
    finding = forms.ChoiceField(label=_("回头看结论"), choices=FollowUpFinding.choices)
    note = forms.CharField(label=_("核查情况"), max_length=2000, required=False)
    evidence = forms.FileField(label=_("佐证材料"), required=False)


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("处理方式"), choices=MEASURE_KINDS)
    note = forms.CharField(label=_("说明"), max_length=2000, required=False)
    rectify_by = forms.DateField(label=_("整改期限（预警告知函）"), required=False)
    notice_title = forms.CharField(label=_("通报标题（通报曝光）"), max_length=200, required=False)
    notice_body = forms.CharField(
        label=_("通报内容（通报曝光）"), required=False, widget=forms.Textarea
    )


def office_accounts():
    return (
        get_user_model()
        .objects.filter(groups__name=roles.OFFICE, is_active=True)
        .distinct()
        .order_by("username")
    )


def handling_context(*, case, office: bool) -> dict:
    """What the case page shows of supervision, follow-ups and measures (and, for the office,
    the forms that the case's state allows now)."""
    context = {
        "supervisions": case.supervisions.select_related("opened_by"),
        "follow_ups": case.follow_ups.select_related("checker", "evidence"),
        "handling_measures": case.handling_measures.all(),
    }
    if office:
        context.update(
            followup_form=FollowUpScheduleForm(auto_id="fu-%s")
            if case.state == CaseState.CLOSED
            else None,
            followup_findings=FollowUpFinding.choices,
            measure_form=MeasureForm(auto_id="ms-%s")
            if case.state not in (CaseState.REJECTED, CaseState.MERGED)
            else None,
        )
    return context


def _errors(request, exc_or_form) -> None:
    if isinstance(exc_or_form, ValidationError):
        for msg in exc_or_form.messages:
            messages.error(request, msg)
        return
    for field, errors in exc_or_form.errors.items():
        label = exc_or_form.fields[field].label if field in exc_or_form.fields else ""
        for msg in errors:
            messages.error(request, f"{label}：{msg}" if label else msg)


def _run(request, form, call) -> None:
    if not form.is_valid():
        _errors(request, form)
        return
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("操作成功"))


@office_only
@require_POST
def followup_schedule(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    _run(
        request,
        FollowUpScheduleForm(request.POST),
        lambda d: workflow.followup_schedule(
            case=case, actor=request.user, due_on=d["due_on"], checker=d["checker"]
        ),
    )
    return redirect("cases:case", pk=case.pk)


@office_only
@require_POST
def followup_record(request, pk):
    followup = get_object_or_404(FollowUp, pk=pk)
    case = selectors.case_get_for_user(user=request.user, pk=followup.case_id)
    _run(
        request,
        FollowUpRecordForm(request.POST, request.FILES),
        lambda d: workflow.followup_record(
            followup=followup,
            actor=request.user,
            finding=d["finding"],
            note=d["note"],
            evidence=d["evidence"],
        ),
    )
    return redirect("cases:case", pk=case.pk)


@office_only
@require_POST
def measure_add(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    _run(
        request,
        MeasureForm(request.POST),
        lambda d: workflow.measure_add(case=case, actor=request.user, **d),
    )
    return redirect("cases:case", pk=case.pk)


@office_only
@require_POST
def measure_rectified(request, pk):
    measure = get_object_or_404(HandlingMeasure, pk=pk)
    case = selectors.case_get_for_user(user=request.user, pk=measure.case_id)
    try:
        workflow.measure_rectified(measure=measure, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("cases:case", pk=case.pk)


@office_only
@require_POST
def measure_publish(request, pk):
    measure = get_object_or_404(HandlingMeasure, pk=pk)
    case = selectors.case_get_for_user(user=request.user, pk=measure.case_id)
    try:
        workflow.measure_notice_publish(measure=measure, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("cases:case", pk=case.pk)
