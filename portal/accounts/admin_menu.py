"""Building blocks of the back office's Wagtail admin menu and dashboard, tied to the roles:
a menu item or a dashboard panel is shown only to the roles that may open the page it leads
to (the page itself still asks portal.accounts.guards; hiding a link is no access control)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
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


def role_menu_items(*entries) -> list[MenuItem]:
    """Menu items from `(label, url, roles, name, icon)` rows, in the order given; a `url`
    that is callable is a link to the signed-in department's own unit (UnitMenuItem)."""
    items = []
    for position, (label, url, roles, name, icon) in enumerate(entries, start=1):
        options = {"name": name, "icon_name": icon, "order": 10 * position}
        if callable(url):
            items.append(UnitMenuItem(label, url, **options))
        else:
            items.append(RoleMenuItem(label, url, roles=roles, **options))
    return items


def role_submenu(label, *entries, name: str, icon_name: str, order: int) -> SubmenuMenuItem:
    """A submenu of role-gated entries (rows as role_menu_items); Wagtail hides a submenu
    whose items are all hidden."""
    return SubmenuMenuItem(
        label, Menu(items=role_menu_items(*entries)), name=name, icon_name=icon_name, order=order
    )


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
