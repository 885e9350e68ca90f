"""The filters of the case listings (django-filter, as Wagtail's own listings): state, unit,
category, source, urgent, overdue, supervised, retaliation and the date of submission. The
queue links of the dashboard panels are these filters' query strings (`queue_url`)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from cms.models import Unit

from ..choices import DEPARTMENT_STATES, FINAL_STATES, CaseSource, CaseState
from ..models import Case, Category
from ..workdays import add_working_days

YES_NO = [("1", _("是")), ("0", _("否"))]
DUE_CHOICES = [("overdue", _("已超期")), ("soon", _("即将到期"))]


def _yes(value) -> bool | None:
    return {"1": True, "0": False}.get(value)


class CaseFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label=_("状态"), choices=CaseState.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("承办部门"), queryset=Unit.objects.order_by("display_order", "id")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("类别"), queryset=Category.objects.order_by("display_order", "id")
    )
    source = django_filters.ChoiceFilter(label=_("来源"), choices=CaseSource.choices)
    urgent = django_filters.ChoiceFilter(label=_("紧急件"), choices=YES_NO, method="_urgent")
    due = django_filters.ChoiceFilter(label=_("期限"), choices=DUE_CHOICES, method="_due")
    supervised = django_filters.ChoiceFilter(
        label=_("督办中"), choices=YES_NO, method="_supervised"
    )
    retaliation = django_filters.ChoiceFilter(
        label=_("打击报复线索"), choices=YES_NO, method="_retaliation"
    )
    callback_due = django_filters.ChoiceFilter(
        label=_("待回访"), choices=YES_NO[:1], method="_callback_due"
    )
    submitted = django_filters.DateFromToRangeFilter(
        label=_("提交日期"), field_name="submitted_at__date", widget=DateRangePickerWidget
    )

    class Meta:
        model = Case
        fields = ["state", "department", "category", "source"]

    def _urgent(self, queryset, name, value):
        yes = _yes(value)
        return queryset if yes is None else queryset.filter(urgent=yes)

    def _due(self, queryset, name, value):
        today = timezone.localdate()
        in_dept = queryset.filter(state__in=DEPARTMENT_STATES)
        if value == "overdue":
            return in_dept.filter(deadline__lt=today)
        if value == "soon":
            return in_dept.filter(deadline__gte=today, deadline__lte=add_working_days(today, 2))
        return queryset

    def _supervised(self, queryset, name, value):
        yes = _yes(value)
        if yes is None:
            return queryset
        if yes:
            return queryset.exclude(state__in=FINAL_STATES).filter(supervised_at__isnull=False)
        return queryset.filter(supervised_at__isnull=True)

    def _retaliation(self, queryset, name, value):
        yes = _yes(value)
        if yes is None:
            return queryset
        if yes:
            return queryset.exclude(state__in=FINAL_STATES).filter(retaliation=True)
        return queryset.filter(retaliation=False)

    def _callback_due(self, queryset, name, value):
        if _yes(value):
            return queryset.filter(state=CaseState.CALLBACK, callback_result="")
        return queryset


class DepartmentCaseFilterSet(CaseFilterSet):
    """A department's inbox: its own cases only, so no department filter; the states it
    handles."""

    state = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[
            (s.value, s.label)
            for s in CaseState
            if s in DEPARTMENT_STATES or s == CaseState.ANSWERED
        ],
    )

    class Meta:
        model = Case
        fields = ["state", "category"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("department", "supervised", "retaliation", "callback_due", "source"):
            self.filters.pop(name, None)
