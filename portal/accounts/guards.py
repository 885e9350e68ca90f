"""The one permission guard of the back office: every staff view asks here, and nowhere else,
whether a request may go on.

Owns three rules:

- who holds which role (`holds`): the office, a department handler (a 承办部门 account tied to
  a unit: without a unit it is no handler), a monitor, an editor, a leader; a superuser
  counts as office, editor and leader (portal.accounts.roles);
- role-level pages (`role_required`): a signed-out visitor is sent to sign in; a signed-in
  account without one of the roles is refused (403, or 404 where the page's existence
  itself is hidden);
- object-level access (`unit_scope`, `unit_object_or_404`, `own_object_or_404`): the office
  (and whoever else a call site names) sees every unit's objects, a department handler only
  its own unit's, anyone else none; another unit's case, notice, rating, QR code, poster or
  ticket — or another monitor's report — is a 404, never a 403 and never a redirect, so ids
  and existence do not leak.
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from . import roles
from .roles import Role

_HOLDS: dict[Role, Callable] = {
    Role.OFFICE: roles.is_office,
    Role.DEPARTMENT: roles.is_department,
    Role.MONITOR: roles.is_monitor,
    Role.EDITOR: roles.is_editor,
    Role.LEADER: roles.is_leader,
}


def holds(user, *wanted: Role) -> bool:
    """Whether the user holds at least one of the wanted roles (never for a signed-out user)."""
    return any(_HOLDS[Role(role)](user) for role in wanted)


def role_required(*allowed: Role, hide: bool = False):
    """View decorator: sign-in first (to the sign-in page, as login_required), then one of the
    `allowed` roles. `hide=True` answers a refusal with 404 instead of 403, for pages whose
    very existence is not told to other roles."""
    if not allowed:
        raise TypeError("role_required needs at least one role")
    allowed = tuple(Role(role) for role in allowed)

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            require_role(request.user, *allowed, hide=hide)
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorator


def require_role(user, *allowed: Role, hide: bool = False, system_ok: bool = False) -> None:
    """Refuse (PermissionDenied, or Http404 with `hide`) unless the user holds one of the roles;
    for a part of a page that needs more than the page does (the office's POST on a page the
    leader may read), and for services, which check their actor here too. `system_ok` lets
    `user=None` through: a management command run by the operator on the server."""
    if system_ok and user is None:
        return
    if not holds(user, *allowed):
        raise Http404 if hide else PermissionDenied


def unit_scope(
    user, queryset: QuerySet, *, unit_field: str, see_all: Iterable[Role] = (Role.OFFICE,)
) -> QuerySet:
    """The rows of `queryset` this user may see: all of them for the `see_all` roles, a
    department handler's own unit's (`unit_field` names the unit's id, e.g. "unit_id",
    "department_id", "case__department_id", or "pk" on units), nothing for anyone else."""
    if holds(user, *see_all):
        return queryset
    if roles.is_department(user):
        return queryset.filter(**{unit_field: user.unit_id})
    return queryset.none()


def unit_object_or_404(
    user, queryset: QuerySet, *, unit_field: str, see_all: Iterable[Role] = (Role.OFFICE,), **lookup
) -> Model:
    """One object of `queryset` (by `lookup`, e.g. pk=...) within the user's `unit_scope`;
    404 when it does not exist or belongs to another unit — the two look the same."""
    found = unit_scope(user, queryset, unit_field=unit_field, see_all=see_all)
    obj = found.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def own_object_or_404(user, queryset: QuerySet, *, owner_field: str, **lookup) -> Model:
    """One object of `queryset` that the signed-in user owns (`owner_field`, e.g. a monitor's
    report's "monitor"); 404 for another account's object, as for a missing one."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    obj = queryset.filter(**{owner_field: user}, **lookup).first()
    if obj is None:
        raise Http404
    return obj
