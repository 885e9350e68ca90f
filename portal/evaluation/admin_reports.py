"""The warnings, unit scores and month-end reports inside the Wagtail admin (issue 19): the
office and the leaders read them; only the office acts (records a warning's handling, a
unit's violation, builds or rebuilds a report: one form, one service each). What the pages
show is the selectors' and services' (warnings, scores, reports, suspicious)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.guards import Role, holds, require_role
from portal.core.adminviews import RoutesViewSet
from portal.core.dates import previous_month

from . import report_svg, scores, suspicious
from .admin_base import RoleAdminView, act
from .forms import ViolationForm, WarningActionForm
from .models import MonthlyReport, OfficialWarning
from .report_views import month_or_404, year_from
from .reports import LeaderReport, monthly_report_build, monthly_report_rebuild
from .warnings import warning_action_record, warning_list


class ReadView(RoleAdminView):
    """A page the office and the leaders read; its POST is the office's."""

    roles = (Role.OFFICE, Role.LEADER)

    def is_office(self) -> bool:
        return holds(self.request.user, Role.OFFICE)

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            require_role(request.user, Role.OFFICE, Role.LEADER, hide=True)
            require_role(request.user, Role.OFFICE)
        return super().dispatch(request, *args, **kwargs)


class WarningsView(ReadView):
    page_title = _("效能预警")
    header_icon = "warning"
    template_name = "evaluation/admin/warnings.html"
    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs):
        office = self.is_office()
        return super().get_context_data(
            warnings=warning_list(),
            form=WarningActionForm(),
            is_office=office,
            flags=suspicious.suspicious_list() if office else [],
            **kwargs,
        )


class WarningActionView(RoleAdminView):
    """The office records how a warning was handled (talk, minutes …)."""

    roles = (Role.OFFICE,)
    http_method_names = ["post"]

    def post(self, request, pk):
        warning = get_object_or_404(OfficialWarning, pk=pk)
        return act(
            request,
            WarningActionForm(request.POST, request.FILES),
            lambda d: warning_action_record(warning=warning, actor=request.user, **d),
            done=_("处置已记录"),
            then=reverse("evaluation_reports:warnings"),
        )


class ScoresView(ReadView):
    page_title = _("评分与排名")
    header_icon = "table"
    template_name = "evaluation/admin/scores.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            ranking=scores.ranking(year=year_from(self.request)),
            form=ViolationForm(),
            is_office=self.is_office(),
            **kwargs,
        )

    def post(self, request):
        return act(
            request,
            ViolationForm(request.POST),
            lambda d: scores.violation_record(actor=request.user, **d),
            done=_("已记录"),
            then=reverse("evaluation_reports:scores"),
        )


class ReportsView(ReadView):
    page_title = _("月度测评报告（领导参阅）")
    header_icon = "doc-full"
    template_name = "evaluation/admin/reports.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            reports=MonthlyReport.objects.order_by("-month")[:36],
            is_office=self.is_office(),
            **kwargs,
        )

    def post(self, request):
        monthly_report_build(month=previous_month(timezone.localdate()))
        messages.success(request, _("上月报告已生成"))
        return redirect("evaluation_reports:reports")


class ReportView(ReadView):
    """One kept report; the office's POST rebuilds it (new figures and files, audited)."""

    header_icon = "doc-full"
    template_name = "evaluation/admin/report.html"

    def get_page_title(self):
        return _("%(month)s 月度测评报告") % {"month": self._report().month.strftime("%Y-%m")}

    def _report(self) -> MonthlyReport:
        if not hasattr(self, "_kept"):
            first = month_or_404(self.kwargs["year"], self.kwargs["month"])
            self._kept = get_object_or_404(MonthlyReport, month=first)
        return self._kept

    def get_context_data(self, **kwargs):
        report = self._report()
        data = LeaderReport.from_dict(report.data)
        return super().get_context_data(
            report=report,
            data=data,
            trend_svg=report_svg.trend_svg(data),
            units_svg=report_svg.units_svg(data),
            files={f.fmt: f for f in report.files.all()},
            is_office=self.is_office(),
            **kwargs,
        )

    def post(self, request, year, month):
        report = self._report()
        monthly_report_rebuild(month=report.month, actor=request.user)
        messages.success(request, _("报告已重新生成"))
        return redirect("evaluation_reports:report", year=year, month=month)


class ReportsViewSet(RoutesViewSet):
    name = "evaluation_reports"
    url_prefix = "evaluation"
    icon = "doc-full"
    routes = (
        ("warnings/", WarningsView, "warnings"),
        ("warnings/<id:pk>/action/", WarningActionView, "warning_action"),
        ("scores/", ScoresView, "scores"),
        ("reports/", ReportsView, "reports"),
        ("reports/<id:year>-<id:month>/", ReportView, "report"),
    )


reports_viewset = ReportsViewSet()
