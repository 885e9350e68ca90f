"""Where a signed-in account lands when it opens the admin's home (the sign-in page sends
everyone there), and how far into the admin a monitor may go.

The choice per role:
- office, department and editor accounts land on the Wagtail dashboard, whose panels are made
  for their role (the office's queues, the unit's inbox and ratings);
- a leader (领导参阅, and no other back-office role) lands on the read-only leader page in the
  admin: the month's report, warnings, rankings and scores (portal.evaluation.admin_leader);
- a monitor is a volunteer from outside the administration: they land on "my monthly
  reports" in the admin (complaints.admin.monitor) and may open nothing else there — not the
  page explorer, search or choosers, which list every page, drafts included
  (`admin_path_allowed`, asked by portal.middleware for every request).
"""

from django.urls import reverse

from . import roles

# below the admin's home: what a monitor may open (their reports, their account, sign-out,
# two-factor and the admin's own assets)
MONITOR_ADMIN_PATHS = (
    "monitor-reports/",
    "account/",
    "logout/",
    "login/",
    "2fa/",
    "jsi18n/",
    "sprite/",
)


def _staff(user) -> bool:
    return any(
        check(user)
        for check in (roles.is_office, roles.is_department, roles.is_editor, roles.is_leader)
    )


def landing_url(user) -> str | None:
    """The start page of an account whose start is not the admin's dashboard; None when the
    dashboard is the right place."""
    if not user.is_authenticated:
        return None
    if roles.is_leader(user) and not (
        roles.is_office(user) or roles.is_department(user) or roles.is_editor(user)
    ):
        return reverse("evaluation_leader:landing")
    if roles.is_monitor(user) and not _staff(user):
        return reverse("monitor_reports:index")
    return None


def admin_path_allowed(user, path: str, admin_home: str) -> bool:
    """Whether `path` (under the admin's home) is open to this account: always, except for a
    monitor who holds no back-office role, who may open only MONITOR_ADMIN_PATHS."""
    if not path.startswith(admin_home) or not getattr(user, "is_authenticated", False):
        return True
    if not roles.is_monitor(user) or _staff(user):
        return True
    rest = path[len(admin_home) :]
    return rest == "" or rest.startswith(MONITOR_ADMIN_PATHS)
