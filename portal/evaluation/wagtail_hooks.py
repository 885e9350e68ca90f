"""Admin menu entries for the office (ratings back office) and leaders (reports); the rating
block on cms' official profile page."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.models import OFFICIAL_PROFILE_CONTEXT
from portal.accounts.guards import Role, holds

from .views import profile_context


class OfficeMenuItem(MenuItem):
    def is_shown(self, request):
        return holds(request.user, Role.OFFICE)


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return holds(request.user, Role.OFFICE, Role.LEADER)


hooks.register(OFFICIAL_PROFILE_CONTEXT, profile_context)


@hooks.register("register_admin_menu_item")
def register_evaluation_menu_item():
    return OfficeMenuItem(
        "测评管理（回访、申诉、撤销）",
        reverse("evaluation:office_dashboard"),
        name="evaluation",
        icon_name="tasks",
        order=910,
    )


@hooks.register("register_admin_menu_item")
def register_evaluation_reports_menu_item():
    return ReportsMenuItem(
        "预警与月度报告",
        reverse("evaluation:office_reports"),
        name="evaluation-reports",
        icon_name="doc-full",
        order=920,
    )
