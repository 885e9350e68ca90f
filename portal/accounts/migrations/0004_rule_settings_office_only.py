"""The rule settings (cms.PortalSettings: warning thresholds, call-back hours, QR radius,
ranking switches, deadlines) belong to the office (效能办), not the editors (编辑): existing
deployments take the permission away from the editors and give it to the office. Fresh
databases get the same from roles_ensure (seed_demo)."""

from django.db import migrations

EDITOR, OFFICE = "编辑", "效能办"
CODENAMES = ("add_portalsettings", "change_portalsettings", "delete_portalsettings")


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupSitePermission = apps.get_model("wagtailcore", "GroupSitePermission")
    editor = Group.objects.filter(name=EDITOR).first()
    office = Group.objects.filter(name=OFFICE).first()
    if editor is None and office is None:
        return  # a fresh database: roles_ensure grants it when the groups are made
    content_type, _ = ContentType.objects.get_or_create(app_label="cms", model="portalsettings")
    perms = list(Permission.objects.filter(content_type=content_type, codename__in=CODENAMES))
    if editor is not None:
        editor.permissions.remove(*perms)
        GroupSitePermission.objects.filter(group=editor, permission__in=perms).delete()
    if office is not None:
        change, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename="change_portalsettings",
            defaults={"name": "Can change 平台规则设置"},
        )
        office.permissions.add(change)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_mobile"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cms", "0002_portalsettings_ranges_help"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
