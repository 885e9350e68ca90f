"""The base of the evaluation screens inside the Wagtail admin (issues 17, 19): a generic
admin template view gated by role (another role gets a 404: the page is not told to exist),
whose POST runs one action form and one service and redirects back (post/redirect/get); the
office desk's page of one object that a selector loads."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.accounts.guards import Role, require_role
from portal.core.adminviews import TitleInBreadcrumbs

from . import rules, services
from .forms import AppealForm


class RoleAdminView(TitleInBreadcrumbs, WagtailAdminTemplateMixin, TemplateView):
    roles: tuple = ()
    hide = True

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, *self.roles, hide=self.hide)
        return super().dispatch(request, *args, **kwargs)


class OfficeDeskView(RoleAdminView):
    """A page of the office's desk; `found(load, **lookup)` calls a selector with the user and
    answers 404 when it raises one of `missing` (unknown, or not this user's)."""

    roles = (Role.OFFICE,)
    missing: tuple[type[Exception], ...] = ()

    def found(self, load, **lookup):
        try:
            return load(user=self.request.user, **lookup)
        except self.missing as exc:
            raise Http404 from exc


def with_level_names(ratings, rating=lambda item: item):
    """Each item with `level_name`: its rating's level in words (`rating` finds the rating)."""
    for item in ratings:
        item.level_name = rules.level_name(rating(item).level)
    return ratings


def act(request, form, action, *, done, then):
    """One action: a valid `form` -> `action(form.cleaned_data)` and the `done` message; an
    invalid form or the service's refusal -> its message. Back to `then` (a URL)."""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(then)
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(then)


def appeal_act(request, rating, *, then):
    """The rated unit's appeal of `rating` (the office's rating page and the unit's own list
    post here alike): AppealForm -> services.appeal_file, back to `then`."""
    return act(
        request,
        AppealForm(request.POST),
        lambda d: services.appeal_file(rating=rating, appellant=request.user, grounds=d["grounds"]),
        done=_("申诉已提交"),
        then=then,
    )
