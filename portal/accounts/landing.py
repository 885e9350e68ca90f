"""Where a signed-in account lands when it opens the admin's home (the sign-in page sends
everyone there).

The choice per role:
- office, department, editor and leader accounts hold the admin access permission
  (services.roles_ensure) and land on the Wagtail dashboard, whose panels are made for their
  role (the leader's: the month's report, warnings, scores; read-only);
- a monitor is a volunteer from outside the administration, not staff: the Wagtail admin is
  not opened to them (its choosers list every page, drafts included), so instead of
  Wagtail's "no permission" they are sent to their own pages, "my monthly reports".
"""

from django.urls import reverse

from . import roles


def landing_url(user) -> str | None:
    """The start page of an account that may not open the admin; None when the admin's own
    home is the right place (or there is nowhere better to send it)."""
    if not user.is_authenticated or user.has_perm("wagtailadmin.access_admin"):
        return None
    if roles.is_monitor(user):
        return reverse("complaints:monitor_reports")
    return None
