"""Admin menu entries of the complaint desk: the case workbench (complaints.admin: the office's
listing /admin/cases/, the department's inbox /admin/cases/inbox/, case pages and one view per
action, bulk actions), the office's integration screens (Open311 clients,
document-exchange endpoints, delivery log, staff work mobiles) and the department's notices,
whose label carries the unit's unread count; the dashboard panels of the queues that need a
person now (counts from complaints.selectors)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent

from portal.accounts.admin_menu import CountsPanel, RoleMenuItem, role_submenu
from portal.accounts.guards import Role, holds

from .admin.bulk import BatchAssignBulkAction, BulkSignBulkAction


class DepartmentNoticesMenuItem(MenuItem):
    """Shown to department handlers; "部门通知 (3)" while three notices are unread."""

    def is_shown(self, request):
        return holds(request.user, Role.DEPARTMENT)

    def label_for(self, request) -> str:
        from .services.notices import department_notice_unread_count

        n = department_notice_unread_count(user=request.user)
        return f"{self.label} ({n})" if n else str(self.label)

    def render_component(self, request):
        # menu items are cached across requests: build the label per request, do not store it
        return LinkMenuItemComponent(
            self.name,
            self.label_for(request),
            self.url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=self.attrs,
        )


OFFICE, DEPARTMENT, CASE_READERS = (Role.OFFICE,), (Role.DEPARTMENT,), (Role.OFFICE, Role.LEADER)


@hooks.register("register_admin_menu_item")
def register_integrations_menu_item():
    return role_submenu(
        _("接口与通知设置"),
        (
            _("Open311客户端"),
            reverse("complaints:admin_open311_clients"),
            OFFICE,
            "open311-clients",
            "key",
        ),
        (
            _("公文交换接口"),
            reverse("complaints:admin_endpoints"),
            OFFICE,
            "exchange-endpoints",
            "link",
        ),
        (
            _("公文投递记录"),
            reverse("complaints:admin_deliveries"),
            OFFICE,
            "exchange-deliveries",
            "list-ul",
        ),
        (
            _("工作人员手机号"),
            reverse("complaints:admin_staff_mobiles"),
            OFFICE,
            "staff-mobiles",
            "mobile-alt",
        ),
        name="complaints-integrations",
        icon_name="cogs",
        order=930,
    )


@hooks.register("register_admin_menu_item")
def register_department_notices_menu_item():
    return DepartmentNoticesMenuItem(
        _("部门通知"),
        reverse("complaints:dept_notices"),
        name="department-notices",
        icon_name="mail",
        order=890,
    )


@hooks.register("register_admin_viewset")
def register_case_viewset():
    from .admin.viewsets import case_viewset

    return case_viewset


# Wagtail's bulk-action registry takes the classes themselves
hooks.register("register_bulk_action", BatchAssignBulkAction)
hooks.register("register_bulk_action", BulkSignBulkAction)


@hooks.register("register_admin_viewset")
def register_monitor_report_viewset():
    from .admin.monitor import monitor_report_viewset

    return monitor_report_viewset


@hooks.register("register_admin_menu_item")
def register_monitor_reports_menu_item():
    return RoleMenuItem(
        _("我的月度监测信息"),
        reverse("monitor_reports:index"),
        roles=(Role.MONITOR,),
        name="my-monitor-reports",
        icon_name="doc-full",
        order=870,
    )


@hooks.register("register_admin_viewset")
def register_holiday_viewset():
    from .holiday_views import holiday_viewset

    return holiday_viewset


# --- the complaint workbenches in the menu, and their queues on the dashboard ---------------


def queue_url(name: str, **filters) -> str:
    """A case listing filtered to one queue (the filters of complaints.admin.filters)."""
    from urllib.parse import urlencode

    url = reverse(name)
    return f"{url}?{urlencode(filters)}" if filters else url


@hooks.register("register_admin_menu_item")
def register_case_workbench_menu_item():
    index, inbox = "cases:index", "cases:inbox"
    return role_submenu(
        _("投诉办理"),
        (_("全部投诉件"), reverse(index), CASE_READERS, "case-list", "clipboard-list"),
        (
            _("待受理（甄别）"),
            queue_url(index, state="submitted"),
            OFFICE,
            "case-screening",
            "form",
        ),
        (_("已受理待交办"), queue_url(index, state="accepted"), OFFICE, "case-to-assign", "form"),
        (_("本单位收件箱"), reverse(inbox), DEPARTMENT, "dept-inbox", "clipboard-list"),
        (_("待签收"), queue_url(inbox, state="assigned"), DEPARTMENT, "dept-to-sign", "form"),
        (_("已超期"), queue_url(inbox, due="overdue"), DEPARTMENT, "dept-overdue", "warning"),
        (
            _("本月监测报告提交情况"),
            reverse("complaints:office_monitor_reports"),
            OFFICE,
            "monitor-reports",
            "list-ul",
        ),
        name="case-workbench",
        icon_name="clipboard-list",
        order=880,
    )


@hooks.register("construct_homepage_panels")
def add_case_queue_panels(request, panels):
    from . import selectors

    user = request.user
    counts = selectors.office_queue_counts(user=user)
    if counts:
        panels.append(
            CountsPanel(
                name="case-queues",
                heading=_("投诉待办"),
                order=10,
                rows=[
                    (
                        _("待受理（甄别）"),
                        counts["screening"],
                        queue_url("cases:index", state="submitted"),
                    ),
                    (_("已超期"), counts["overdue"], queue_url("cases:index", due="overdue")),
                    (_("督办中"), counts["supervised"], queue_url("cases:index", supervised="1")),
                    (
                        _("待回访"),
                        counts["callbacks"],
                        queue_url("cases:index", callback_due="1"),
                    ),
                    (
                        _("打击报复线索"),
                        counts["retaliation"],
                        queue_url("cases:index", retaliation="1"),
                    ),
                ],
            )
        )
    counts = selectors.department_queue_counts(user=user)
    if counts:
        panels.append(
            CountsPanel(
                name="dept-queues",
                heading=_("本单位投诉"),
                order=10,
                rows=[
                    (_("待签收"), counts["to_sign"], queue_url("cases:inbox", state="assigned")),
                    (
                        _("已签收待办理"),
                        counts["signed"],
                        queue_url("cases:inbox", state="signed"),
                    ),
                    (
                        _("办理中"),
                        counts["in_progress"],
                        queue_url("cases:inbox", state="in_progress"),
                    ),
                    (_("已超期"), counts["overdue"], queue_url("cases:inbox", due="overdue")),
                    (_("未读通知"), counts["notices_unread"], reverse("complaints:dept_notices")),
                ],
            )
        )
