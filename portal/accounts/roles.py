"""Roles are Django groups with fixed names; these helpers are the only place that knows them."""

OFFICE = "效能办"
DEPARTMENT = "承办部门"
MONITOR = "监测员"
EDITOR = "编辑"
LEADER = "领导参阅"

ALL_ROLES = [OFFICE, DEPARTMENT, MONITOR, EDITOR, LEADER]


def has_role(user, role: str) -> bool:
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser and role in (OFFICE, EDITOR, LEADER):
        return True
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_cache = cache
    return role in cache


def is_office(user) -> bool:
    return has_role(user, OFFICE)


def is_department(user) -> bool:
    return has_role(user, DEPARTMENT) and user.unit_id is not None


def is_monitor(user) -> bool:
    return has_role(user, MONITOR)


def is_leader(user) -> bool:
    return has_role(user, LEADER)


def is_editor(user) -> bool:
    return has_role(user, EDITOR)
