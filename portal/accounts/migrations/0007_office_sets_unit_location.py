"""A unit's latitude and longitude decide where on-site QR ratings count, so they are the
office's (效能办) like the rule settings: the unit form shows them only to holders of the
rule-settings permission, and existing deployments give the office the right to edit units.
Fresh databases get the same from roles_ensure (seed_demo)."""

from django.db import migrations

OFFICE = "效能办"
CODENAMES = ("change_unit", "view_unit")


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    office = Group.objects.filter(name=OFFICE).first()
    if office is None:
        return  # a fresh database: roles_ensure grants it when the groups are made
    office.permissions.add(
        *Permission.objects.filter(content_type__app_label="cms", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_monitor_admin_access")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
