"""Bulk actions on case listings, in Wagtail's bulk-action convention (a confirmation page at
/admin/bulk/complaints/case/<action>/?id=…, then POST): the office's batch assignment of
accepted cases (批量交办) and a department's bulk sign (批量签收). Which cases may be
touched comes from the access selector: another unit's id is a 404, as on a case page."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.bulk_action import BulkAction

from portal.accounts.guards import Role, holds
from portal.core.text import id_or_none

from .. import selectors
from ..choices import ActorKind, CaseAction, CaseState, actions_for
from ..models import Case
from ..services import workflow
from .forms import BatchAssignForm


class CaseBulkAction(BulkAction):
    models = [Case]
    roles: tuple = ()
    template_name = "complaints/admin/bulk_confirm.html"

    listing_url_name = "cases:index"

    def __init__(self, request, model):
        super().__init__(request, model)
        if not get_valid_next_url_from_request(request):
            self.next_url = reverse(self.listing_url_name)

    def dispatch(self, request, *args, **kwargs):
        if not holds(request.user, *self.roles):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_all_objects_in_listing_query(self, parent_id):
        return selectors.case_list_for_user(user=self.request.user).values_list("pk", flat=True)

    def get_actionable_objects(self):
        ids = self.request.GET.getlist("id")
        if "all" in ids:
            ids = list(self.get_all_objects_in_listing_query(None))
        ids = {id_or_none(i) for i in ids}
        if not ids or None in ids:
            raise Http404  # no id, or one that is no id: nothing to act on
        visible = selectors.case_list_for_user(user=self.request.user)
        cases = list(visible.filter(pk__in=ids).order_by("number"))
        if len(cases) != len(ids):
            raise Http404  # an id of another unit's case (or none) tells nothing
        ready = [c for c in cases if self.check_perm(c)]
        return ready, {"items_with_no_access": [c for c in cases if c not in ready]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(action=self, header_icon="clipboard-list")
        return context

    def form_valid(self, form):
        objects, _no_access = self.get_actionable_objects()
        try:
            done = self.run(objects, form)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(self.request, msg)
            return redirect(self.next_url)
        messages.success(self.request, done)
        return redirect(self.next_url)


class BatchAssignBulkAction(CaseBulkAction):
    display_name = _("批量交办")
    action_type = "assign"
    aria_label = _("批量交办所选投诉件")
    roles = (Role.OFFICE,)
    form_class = BatchAssignForm
    explanation = _("所选已受理的投诉件按被投诉单位交办，编入同一批次。")

    def check_perm(self, case):
        # the batch takes accepted cases (a transfer request is reassigned on its own page)
        return case.state == CaseState.ACCEPTED

    def run(self, cases, form):
        batch = workflow.batch_assign(
            cases=cases, actor=self.request.user, title=form.cleaned_data["title"]
        )
        n = batch.documents.count()
        return _("%(batch)s：已交办 %(n)s 件") % {"batch": batch.number, "n": n}


class BulkSignBulkAction(CaseBulkAction):
    display_name = _("批量签收")
    action_type = "sign"
    aria_label = _("批量签收所选投诉件")
    roles = (Role.DEPARTMENT,)
    listing_url_name = "cases:inbox"
    explanation = _("签收所选已交办的投诉件。")

    def check_perm(self, case):
        return CaseAction.SIGN in actions_for(state=case.state, kind=ActorKind.DEPARTMENT)

    def run(self, cases, form):
        done = 0
        for case in cases:
            try:
                workflow.case_sign(case=case, actor=self.request.user)
            except (ValidationError, PermissionDenied):
                continue
            done += 1
        return ngettext("已签收 %(n)s 件", "已签收 %(n)s 件", done) % {"n": done}


BULK_ACTIONS = (BatchAssignBulkAction, BulkSignBulkAction)


def bulk_actions_for(*, user, types=()) -> list:
    return [a for a in BULK_ACTIONS if a.action_type in types and holds(user, *a.roles)]
