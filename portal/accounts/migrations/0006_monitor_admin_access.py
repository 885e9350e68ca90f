"""Monitors file their monthly reports inside the Wagtail admin (issue 19), confined there to
their own pages (portal.accounts.landing): give the existing 监测员 group the admin access
permission, as services.roles_ensure now does."""

from django.db import migrations

MONITOR = "监测员"


def _access_and_group(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    return access, Group.objects.filter(name=MONITOR).first()


def grant(apps, schema_editor):
    access, group = _access_and_group(apps)
    if access and group:
        group.permissions.add(access)


def revoke(apps, schema_editor):
    access, group = _access_and_group(apps)
    if access and group:
        group.permissions.remove(access)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_leader_admin_access"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
