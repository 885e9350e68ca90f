"""Admin menu entries of the complaint desk: the case workbenches (the office's /office/, the
department's inbox /dept/), the office's integration screens (Open311 clients,
document-exchange endpoints, delivery log, staff work mobiles) and the department's notices,
whose label carries the unit's unread count; the dashboard panels of the queues that need a
person now (counts from complaints.selectors)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent

from portal.accounts.admin_menu import CountsPanel, RoleMenuItem
from portal.accounts.guards import Role, holds


class OfficeMenuItem(MenuItem):
    def is_shown(self, request):
        return holds(request.user, Role.OFFICE)


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


def _integration_items():
    return [
        OfficeMenuItem(
            _("Open311客户端"),
            reverse("complaints:admin_open311_clients"),
            name="open311-clients",
            icon_name="key",
            order=10,
        ),
        OfficeMenuItem(
            _("公文交换接口"),
            reverse("complaints:admin_endpoints"),
            name="exchange-endpoints",
            icon_name="link",
            order=20,
        ),
        OfficeMenuItem(
            _("公文投递记录"),
            reverse("complaints:admin_deliveries"),
            name="exchange-deliveries",
            icon_name="list-ul",
            order=30,
        ),
        OfficeMenuItem(
            _("工作人员手机号"),
            reverse("complaints:admin_staff_mobiles"),
            name="staff-mobiles",
            icon_name="mobile-alt",
            order=40,
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_integrations_menu_item():
    return SubmenuMenuItem(
        _("接口与通知设置"),
        Menu(items=_integration_items()),
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
def register_holiday_viewset():
    from .holiday_views import holiday_viewset

    return holiday_viewset


# --- the complaint workbenches in the menu, and their queues on the dashboard ---------------

_CASE_READERS = (Role.OFFICE, Role.LEADER)


@hooks.register("register_admin_menu_item")
def register_case_workbench_menu_item():
    return SubmenuMenuItem(
        _("投诉办理"),
        Menu(
            items=[
                RoleMenuItem(
                    _("投诉工作台"),
                    reverse("complaints:office_dashboard"),
                    roles=_CASE_READERS,
                    name="case-dashboard",
                    icon_name="clipboard-list",
                    order=10,
                ),
                RoleMenuItem(
                    _("本单位收件箱"),
                    reverse("complaints:dept_inbox"),
                    roles=(Role.DEPARTMENT,),
                    name="dept-inbox",
                    icon_name="clipboard-list",
                    order=20,
                ),
                RoleMenuItem(
                    _("待签收"),
                    reverse("complaints:dept_inbox") + "?state=assigned",
                    roles=(Role.DEPARTMENT,),
                    name="dept-to-sign",
                    icon_name="form",
                    order=30,
                ),
                RoleMenuItem(
                    _("已超期"),
                    reverse("complaints:dept_inbox") + "?due=overdue",
                    roles=(Role.DEPARTMENT,),
                    name="dept-overdue",
                    icon_name="warning",
                    order=40,
                ),
                RoleMenuItem(
                    _("本月监测报告提交情况"),
                    reverse("complaints:office_monitor_reports"),
                    roles=(Role.OFFICE,),
                    name="monitor-reports",
                    icon_name="list-ul",
                    order=50,
                ),
            ]
        ),
        name="case-workbench",
        icon_name="clipboard-list",
        order=880,
    )


@hooks.register("construct_homepage_panels")
def add_case_queue_panels(request, panels):
    from . import selectors

    user = request.user
    office = reverse("complaints:office_dashboard")
    counts = selectors.office_queue_counts(user=user)
    if counts:
        panels.append(
            CountsPanel(
                name="case-queues",
                heading=_("投诉待办"),
                order=10,
                rows=[
                    (_("待受理（甄别）"), counts["screening"], office),
                    (_("已超期"), counts["overdue"], office),
                    (_("督办中"), counts["supervised"], office),
                    (_("待回访"), counts["callbacks"], office),
                    (_("打击报复线索"), counts["retaliation"], office),
                ],
            )
        )
    counts = selectors.department_queue_counts(user=user)
    if counts:
        inbox = reverse("complaints:dept_inbox")
        panels.append(
            CountsPanel(
                name="dept-queues",
                heading=_("本单位投诉"),
                order=10,
                rows=[
                    (_("待签收"), counts["to_sign"], inbox + "?state=assigned"),
                    (_("已签收待办理"), counts["signed"], inbox + "?state=signed"),
                    (_("办理中"), counts["in_progress"], inbox + "?state=in_progress"),
                    (_("已超期"), counts["overdue"], inbox + "?due=overdue"),
                    (_("未读通知"), counts["notices_unread"], reverse("complaints:dept_notices")),
                ],
            )
        )
