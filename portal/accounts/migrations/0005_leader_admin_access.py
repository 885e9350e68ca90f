"""Leaders read the back office through the Wagtail admin (a read-only dashboard): give the
existing 领导参阅 group the admin access permission, as services.roles_ensure now does."""

from django.db import migrations

LEADER = "领导参阅"


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    group = Group.objects.filter(name=LEADER).first()
    if access and group:
        group.permissions.add(access)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    group = Group.objects.filter(name=LEADER).first()
    if access and group:
        group.permissions.remove(access)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_rule_settings_office_only"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
