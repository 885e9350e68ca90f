"""Account writes: creating the role groups and staff accounts; staff work mobiles."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.core.phone import is_mobile, phone_normalise

from .models import User
from .roles import ALL_ROLES, DEPARTMENT, EDITOR, LEADER, MONITOR, OFFICE

# Wagtail admin access for every role (the leader reads a read-only page; a monitor reaches
# only their own reports there: portal.accounts.landing); editors also edit pages and
# snippets.
_ADMIN_ACCESS = ("wagtailadmin", "access_admin")
_RULES = "_portalsettings"
_RULES_OFFICE = ("change_portalsettings", "view_portalsettings")
_UNIT_OFFICE = ("change_unit", "view_unit")


def roles_ensure() -> dict[str, Group]:
    """Create the role groups (idempotent) and give back-office roles admin access."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ALL_ROLES}
    access = Permission.objects.filter(
        content_type__app_label=_ADMIN_ACCESS[0], codename=_ADMIN_ACCESS[1]
    ).first()
    if access:
        for name in (OFFICE, DEPARTMENT, EDITOR, LEADER, MONITOR):
            groups[name].permissions.add(access)
    # the rule settings (cms.PortalSettings) are the office's, never the editors' (issue 17)
    rules = Permission.objects.filter(content_type__app_label="cms", codename__endswith=_RULES)
    editor_perms = Permission.objects.filter(
        content_type__app_label="cms", codename__regex=r"^(add|change|delete|view)_"
    ).exclude(codename__endswith=_RULES)
    groups[EDITOR].permissions.add(*editor_perms)
    groups[EDITOR].permissions.remove(*rules)
    groups[OFFICE].permissions.add(*rules.filter(codename__in=_RULES_OFFICE))
    # the office sets a unit's location (where QR ratings count; cms.services.unit_save)
    groups[OFFICE].permissions.add(
        *Permission.objects.filter(content_type__app_label="cms", codename__in=_UNIT_OFFICE)
    )
    groups[EDITOR].permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=("wagtailimages", "wagtaildocs"),
            codename__regex=r"^(add|change|choose)_",
        )
    )
    _editor_page_permissions(groups[EDITOR])
    return groups


def _editor_page_permissions(group):
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None:
        return
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore",
        codename__in=("add_page", "change_page", "publish_page"),
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


def staff_user_create(
    *,
    username: str,
    role: str,
    password: str = "",
    password_hash: str = "",
    unit=None,
    display_name="",
    groups=None,
):
    """Create (or return the existing) account with one role. Idempotent by username.

    `password_hash` lets a bulk caller hash one password once instead of per account.
    """
    groups = groups or roles_ensure()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "unit": unit,
            "display_name": display_name,
            "is_staff": role != MONITOR,
        },
    )
    if created:
        if password_hash:
            user.password = password_hash
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(groups[role])
    return user


ERR_MOBILE = _("请填写11位中国大陆手机号（例如 13800138000），或留空以删除")
ERR_MOBILE_NOT_STAFF = _("只能为工作人员账号登记工作手机号")


def staff_mobile_set(*, user, mobile: str, actor):
    """The office records (or clears) a staff member's or a monitor's work mobile for SMS
    notices (a monitor's monthly reminder). Complainants have no accounts; this is never their
    number."""
    from portal.audit.services import audit_append

    from .roles import is_monitor, is_office

    if not is_office(actor):
        raise PermissionDenied
    mobile = phone_normalise(mobile)
    if mobile and not is_mobile(mobile):
        raise ValidationError(ERR_MOBILE, code="mobile")
    if not (user.is_staff or is_monitor(user)):
        raise ValidationError(ERR_MOBILE_NOT_STAFF, code="not_staff")

    def masked(m):
        # the audit trail is kept for good: it records that the number changed, not the number
        return f"{m[:3]}****{m[-4:]}" if m else ""

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {"mobile": masked(user.mobile)}
        user.mobile = mobile
        user.save(update_fields=["mobile"])
        audit_append(
            chain=f"user:{user.pk}",
            action="user.mobile_set",
            obj=user,
            actor=actor,
            before=before,
            after={"mobile": masked(mobile)},
        )
    return user
