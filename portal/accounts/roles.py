"""Roles are Django groups with fixed names; these helpers are the only place that knows them.
Views do not call them to refuse a request: they use portal.accounts.guards."""

from enum import StrEnum


class Role(StrEnum):
    """The group names (data, not UI text: they are the groups' names in the database)."""

    OFFICE = "效能办"
    DEPARTMENT = "承办部门"
    MONITOR = "监测员"
    EDITOR = "编辑"
    LEADER = "领导参阅"


OFFICE = Role.OFFICE
DEPARTMENT = Role.DEPARTMENT
MONITOR = Role.MONITOR
EDITOR = Role.EDITOR
LEADER = Role.LEADER

ALL_ROLES = list(Role)


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


BACK_OFFICE_ROLES = (OFFICE, DEPARTMENT, LEADER, EDITOR)


def is_back_office(user) -> bool:
    """Staff who work in the back office (office, department, leader, editor, superuser or
    Django staff); monitors and citizens are not."""
    if not user or not user.is_authenticated:
        return False
    return bool(
        user.is_superuser
        or user.is_staff
        or any(has_role(user, role) for role in BACK_OFFICE_ROLES)
    )
