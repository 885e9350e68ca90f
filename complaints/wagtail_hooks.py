"""Admin menu entries of the complaint desk: the office's integration screens (Open311 clients,
document-exchange endpoints, delivery log, staff work mobiles) and the department's notices,
whose label carries the unit's unread count."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent

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
