"""The leader's (领导参阅) landing inside the Wagtail admin (issue 19): signing in lands here
(portal.accounts.landing). Read-only: the month's report (its figures, warnings, units,
rankings and scores, as the month-end report page shows them), this month's warnings so far
and links to the warnings, scores and reports pages. What it shows is the selectors'
(reports.leader_report_for, selectors.leader_overview); the office reads it too."""

from django.utils.translation import gettext_lazy as _

from portal.accounts.guards import Role
from portal.core.adminviews import RoutesViewSet

from . import report_svg, reports, selectors
from .admin_base import RoleAdminView


class LeaderLandingView(RoleAdminView):
    roles = (Role.OFFICE, Role.LEADER)
    page_title = _("领导参阅")
    header_icon = "doc-full"
    template_name = "evaluation/admin/leader_landing.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        shown = reports.leader_report_for(user=user)
        data = shown["data"]
        return super().get_context_data(
            **shown,
            overview=selectors.leader_overview(user=user),
            trend_svg=report_svg.trend_svg(data),
            units_svg=report_svg.units_svg(data),
            **kwargs,
        )


class LeaderViewSet(RoutesViewSet):
    name = "evaluation_leader"
    url_prefix = "evaluation/leader"
    icon = "doc-full"
    routes = (("", LeaderLandingView, "landing"),)


leader_viewset = LeaderViewSet()
