"""A monitor's own pages inside the Wagtail admin (issue 19): "my monthly reports" — the form
for this month's 监测信息 and the history — and one report with its timeline. Only the
monitor's own reports: another monitor's report is a 404 (selectors.monitor_report_get), and
an account that is no monitor is not told these pages exist."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal.accounts.guards import Role, require_role
from portal.core.adminviews import RoutesViewSet, TitleInBreadcrumbs

from .. import selectors
from ..forms import MonitorReportForm, service_errors_apply, subject_arguments
from ..services import intake


class _MonitorOnly:
    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, Role.MONITOR, hide=True)
        return super().dispatch(request, *args, **kwargs)


class MonitorReportsView(_MonitorOnly, TitleInBreadcrumbs, WagtailAdminTemplateMixin, FormView):
    page_title = _("我的月度监测信息")
    header_icon = "doc-full"
    template_name = "complaints/admin/monitor_reports.html"
    form_class = MonitorReportForm

    def get_context_data(self, **kwargs):
        reports = selectors.monitor_report_list(monitor=self.request.user).order_by(
            "-report_month", "-id"
        )
        return super().get_context_data(reports=reports, **kwargs)

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            case = intake.monitor_report_submit(
                **subject_arguments(d), monitor=self.request.user, month=d["month"]
            )
        except ValidationError as exc:
            service_errors_apply(form, exc)
            return self.form_invalid(form)
        return redirect("monitor_reports:report", pk=case.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MonitorReportView(_MonitorOnly, TitleInBreadcrumbs, WagtailAdminTemplateMixin, TemplateView):
    page_title = _("监测信息")
    header_icon = "doc-full"
    template_name = "complaints/admin/monitor_report.html"

    def get_context_data(self, **kwargs):
        case = selectors.monitor_report_get(monitor=self.request.user, pk=kwargs["pk"])
        return super().get_context_data(
            case=case, timeline=selectors.case_timeline(case=case), **kwargs
        )


class MonitorReportViewSet(RoutesViewSet):
    name = "monitor_reports"
    url_prefix = "monitor-reports"
    icon = "doc-full"
    routes = (("", MonitorReportsView, "index"), ("<id:pk>/", MonitorReportView, "report"))


monitor_report_viewset = MonitorReportViewSet()
