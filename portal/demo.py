"""Demo accounts for every role (demo passwords are printed by seed_demo, never used in production)."""

from django.conf import settings
from django.contrib.auth.hashers import make_password

from cms.models import Unit
from portal.accounts import roles
from portal.accounts.services import roles_ensure, staff_user_create

DEMO_PASSWORD = "demo-2026"


def seed_accounts():
    common = {"password_hash": make_password(DEMO_PASSWORD), "groups": roles_ensure()}
    admin = staff_user_create(
        username="admin", **common, role=roles.OFFICE, display_name="系统管理员"
    )
    if not admin.is_superuser:
        admin.is_superuser = True
        admin.save(update_fields=["is_superuser"])
    staff_user_create(username="office", **common, role=roles.OFFICE, display_name="效能办工作人员")
    staff_user_create(username="editor", **common, role=roles.EDITOR, display_name="网站编辑")
    staff_user_create(username="leader", **common, role=roles.LEADER, display_name="领导参阅")
    for i, unit in enumerate(Unit.objects.order_by("display_order", "id"), start=1):
        staff_user_create(
            username=f"dept{i:02d}",
            **common,
            role=roles.DEPARTMENT,
            unit=unit,
            display_name=f"{unit.name}承办人",
        )
    for i in range(1, settings.DEMO_MONITORS + 1):
        staff_user_create(
            username=f"monitor{i:02d}", **common, role=roles.MONITOR, display_name=f"监测员{i:02d}"
        )
