"""Admin menu entry for the office's publication desk (/office/results/)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.accounts.admin_menu import RoleMenuItem
from portal.accounts.guards import Role


@hooks.register("register_admin_menu_item")
def register_publication_menu_item():
    return RoleMenuItem(
        _("办理结果公开"),
        reverse("publication:office_list"),
        roles=(Role.OFFICE,),
        name="publication",
        icon_name="doc-full",
        order=900,
    )
