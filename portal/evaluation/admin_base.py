"""The base of the evaluation screens inside the Wagtail admin (issue 17): a generic admin
template view gated by role (another role gets a 404: the page is not told to exist), whose
POST runs one action form and one service and redirects back (post/redirect/get)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portal.accounts.guards import require_role


class RoleAdminView(WagtailAdminTemplateMixin, TemplateView):
    roles: tuple = ()
    hide = True

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, *self.roles, hide=self.hide)
        return super().dispatch(request, *args, **kwargs)


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
