"""The case page of the Wagtail admin and the one view per action it posts to.

The case page shows the case, its timeline in words, the complainant's thread, attachments,
similar cases, and a form for each action the state map allows this actor now
(complaints.admin.actions). Each action URL takes one action: it reads the case through the
access selector (another unit's case is a 404), refuses a role that never takes the action
(403), refuses an action the case's state does not allow with a message (back to the case),
parses its form and calls its one service; a correctable mistake comes back on the form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from portal.accounts.guards import Role, holds, require_role

from .. import selectors
from ..choices import (
    ActorKind,
    CaseState,
    ExtensionStatus,
    MessageAuthor,
    action_actors,
)
from ..handling_views import handling_context
from ..models import Delivery, ExtensionRequest
from ..services import thread, workflow
from .actions import ACTIONS, case_action_specs
from .forms import ExtensionDecideForm, MessageForm

ERR_NOT_NOW = _("“%(state)s”状态下不能“%(action)s”")
MSG_DONE = _("“%(action)s”已完成")

CASE_READERS = (Role.OFFICE, Role.LEADER, Role.DEPARTMENT)


def case_url(case) -> str:
    return reverse("cases:case", args=[case.pk])


def _actor_kind(user, case) -> str | None:
    try:
        return workflow.actor_kind_for(user=user, case=case)
    except PermissionDenied:
        return None


def form_errors_from(form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: on its field where the form has it."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class _CaseMixin:
    """Reads the case through the access selector; `kind` is the role its user acts in."""

    readers = CASE_READERS

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, *self.readers, hide=True)
        self.case = selectors.case_get_for_user(user=request.user, pk=kwargs["pk"])
        self.kind = _actor_kind(request.user, self.case)
        return super().dispatch(request, *args, **kwargs)


class CaseView(_CaseMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "complaints/admin/case.html"
    header_icon = "clipboard-list"

    def get_page_title(self):
        return self.case.number

    def get_page_subtitle(self):
        return self.case.get_state_display()

    def get_breadcrumbs_items(self):
        listing = (
            ("cases:inbox", _("本单位收件箱"))
            if self.kind == ActorKind.DEPARTMENT
            else ("cases:index", _("投诉件"))
        )
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse(listing[0]), "label": listing[1]},
            {"url": "", "label": self.case.number},
        ]

    def get_context_data(self, **kwargs):
        case, user = self.case, self.request.user
        office = holds(user, Role.OFFICE)
        forms = [
            (spec, spec.form_class(auto_id=f"id_{spec.name}_%s"))
            for spec in case_action_specs(case=case, kind=self.kind)
        ]
        context = super().get_context_data(**kwargs)
        context.update(
            case=case,
            office=office,
            kind=self.kind,
            action_forms=forms,
            message_form=MessageForm(auto_id="id_message_%s") if self.kind else None,
            timeline=selectors.case_timeline(case=case, public=False),
            thread=selectors.case_messages(case=case),
            contact=selectors.case_contact_for_user(user=user, case=case),
            documents=case.documents.select_related("department"),
            deliveries=Delivery.objects.filter(document__case=case).select_related("document"),
            extensions=case.extensions.all(),
            attachments=case.attachments.all(),
            similar=selectors.case_similar(case=case)
            if office and case.state in (CaseState.SUBMITTED, CaseState.ACCEPTED)
            else [],
            **handling_context(case=case, office=office),
        )
        return context


class CaseActionView(_CaseMixin, WagtailAdminTemplateMixin, FormView):
    """One action (`action`, a key of complaints.admin.actions.ACTIONS) on one case."""

    template_name = "complaints/admin/case_action.html"
    header_icon = "clipboard-list"
    action = ""

    def dispatch(self, request, *args, **kwargs):
        self.spec = ACTIONS[self.action]
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self._refusal() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._refusal() or super().post(request, *args, **kwargs)

    def _refusal(self):
        if self.kind not in action_actors(self.spec.name):
            raise PermissionDenied
        legal = [s.name for s in case_action_specs(case=self.case, kind=self.kind)]
        if self.spec.name not in legal:
            return self._not_now()
        return None

    def _not_now(self):
        messages.error(
            self.request,
            ERR_NOT_NOW % {"state": self.case.get_state_display(), "action": self.spec.label},
        )
        return redirect(case_url(self.case))

    def get_form_class(self):
        return self.spec.form_class

    def get_page_title(self):
        return f"{self.spec.label} · {self.case.number}"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": case_url(self.case), "label": self.case.number},
            {"url": "", "label": self.spec.label},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(case=self.case, spec=self.spec, action_url=self.request.path)
        return context

    def form_valid(self, form):
        try:
            self.spec.run(case=self.case, actor=self.request.user, **form.cleaned_data)
        except workflow.InvalidTransition:
            self.case.refresh_from_db()
            return self._not_now()
        except ValidationError as exc:
            form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, MSG_DONE % {"action": self.spec.label})
        return redirect(case_url(self.case))


def action_view(action: str):
    return CaseActionView.as_view(action=action)


class CaseMessageView(_CaseMixin, WagtailAdminTemplateMixin, FormView):
    """The office's or the department's message to the complainant."""

    template_name = "complaints/admin/case_action.html"
    form_class = MessageForm
    page_title = _("留言")

    def post(self, request, *args, **kwargs):
        if self.kind is None:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return redirect(case_url(self.case))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(case=self.case, spec=None, action_url=self.request.path)
        return context

    def form_valid(self, form):
        author_kind = (
            MessageAuthor.OFFICE if self.kind == ActorKind.OFFICE else MessageAuthor.DEPARTMENT
        )
        try:
            thread.message_post(
                case=self.case,
                author=self.request.user,
                text=form.cleaned_data["text"],
                author_kind=author_kind,
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("留言已发送"))
        return redirect(case_url(self.case))


class ExtensionDecideView(WagtailAdminTemplateMixin, FormView):
    """The office approves or refuses a department's pending extension request."""

    template_name = "complaints/admin/case_action.html"
    form_class = ExtensionDecideForm
    page_title = _("延期审批")
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, Role.OFFICE, hide=True)
        self.extension = get_object_or_404(
            ExtensionRequest, pk=kwargs["pk"], status=ExtensionStatus.PENDING
        )
        self.case = self.extension.case
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(case=self.case, spec=None, action_url=self.request.path)
        return context

    def form_valid(self, form):
        try:
            workflow.extension_decide(
                extension=self.extension,
                actor=self.request.user,
                approve=form.cleaned_data["approve"],
            )
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(self.request, msg)
        else:
            messages.success(self.request, _("延期申请已处理"))
        return redirect(case_url(self.case))
