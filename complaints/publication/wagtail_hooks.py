"""Admin menu entry for the office's publication desk (/office/results/)."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.accounts.guards import Role, holds


class OfficeMenuItem(MenuItem):
    def is_shown(self, request):
        return holds(request.user, Role.OFFICE)


@hooks.register("register_admin_menu_item")
def register_publication_menu_item():
    return OfficeMenuItem(
        "办理结果公开",
        reverse("publication:office_list"),
        name="publication",
        icon_name="doc-full",
        order=900,
    )
