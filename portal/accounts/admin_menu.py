"""Building blocks of the back office's Wagtail admin menu and dashboard, tied to the roles:
a menu item or a dashboard panel is shown only to the roles that may open the page it leads
to (the page itself still asks portal.accounts.guards; hiding a link is no access control)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent

from .guards import Role, holds


class RoleMenuItem(MenuItem):
    """A menu link shown to the holders of `roles`."""

    def __init__(self, label, url, *, roles: tuple[Role, ...], **kwargs):
        self.roles = tuple(Role(role) for role in roles)
        super().__init__(label, url, **kwargs)

    def is_shown(self, request):
        return holds(request.user, *self.roles)


class UnitMenuItem(RoleMenuItem):
    """A link to a page of the signed-in department account's own unit: `url_for(unit_id)`
    builds it per request (menu items are shared across requests: nothing is stored)."""

    def __init__(self, label, url_for, **kwargs):
        self.url_for = url_for
        super().__init__(label, "#", roles=(Role.DEPARTMENT,), **kwargs)

    def render_component(self, request):
        return LinkMenuItemComponent(
            self.name,
            self.label,
            self.url_for(request.user.unit_id),
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=self.attrs,
        )


class CountsPanel(Component):
    """A dashboard panel: a heading and rows of (label, count or None, link)."""

    template_name = "wagtailadmin/panels/portal_counts.html"

    def __init__(self, *, name: str, heading, rows: list[tuple], order: int = 50, note=""):
        self.name, self.heading, self.rows, self.order, self.note = (
            name,
            heading,
            rows,
            order,
            note,
        )

    def get_context_data(self, parent_context):
        return {"heading": self.heading, "rows": self.rows, "note": self.note, "panel": self}


NO_ITEMS = _("暂无")
