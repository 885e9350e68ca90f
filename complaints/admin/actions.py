"""The case actions of the back office, one entry per action: its label, its form and the one
service it calls. Which of them a case page offers, and which a POST may take, is asked of the
state map (choices.actions_for), never decided here."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..choices import CaseAction, actions_for
from ..services import workflow
from ..services.workflow.supervision import supervision_open
from . import forms


@dataclass(frozen=True)
class CaseActionSpec:
    name: str  # the state map's key, also the URL segment and the form prefix
    label: str
    form_class: type
    run: Callable  # run(case=..., actor=..., **form.cleaned_data)
    multipart: bool = False
    serious: bool = False


def _spec(action, form_class, run, **kw):
    label = CaseAction(action).label if action in CaseAction.values else kw.pop("label")
    return CaseActionSpec(name=str(action), label=label, form_class=form_class, run=run, **kw)


A = CaseAction
ACTIONS: dict[str, CaseActionSpec] = {
    s.name: s
    for s in [
        _spec(A.ACCEPT, forms.ReasonForm, workflow.case_accept),
        _spec(A.REJECT, forms.ReasonForm, workflow.case_reject, serious=True),
        _spec(A.MERGE, forms.MergeForm, workflow.case_merge),
        _spec(A.ASSIGN, forms.AssignForm, workflow.case_assign),
        _spec(A.SIGN, forms.ReasonForm, workflow.case_sign),
        _spec(A.START, forms.ReasonForm, workflow.case_start),
        _spec(A.TRANSFER_REQUEST, forms.TransferRequestForm, workflow.case_transfer_request),
        _spec(A.TRANSFER_REFUSE, forms.ReasonForm, workflow.case_transfer_refuse),
        _spec(A.ANSWER, forms.AnswerForm, workflow.case_answer, multipart=True),
        _spec(A.RETURN, forms.ReasonForm, workflow.case_return, serious=True),
        _spec(A.APPROVE, forms.ReasonForm, workflow.case_approve),
        _spec(A.REOPEN, forms.ReasonForm, workflow.case_reopen),
        _spec(A.CLOSE, forms.CloseForm, workflow.case_close),
        _spec("supervise", forms.SupervisionForm, supervision_open, label=_("督办")),
        _spec("publish", forms.PublishForm, workflow.case_publication_set, label=_("公开设置")),
        _spec(
            "extension_request",
            forms.ExtensionRequestForm,
            workflow.extension_request,
            label=_("申请延期"),
        ),
    ]
}


def case_action_specs(*, case, kind: str | None) -> list[CaseActionSpec]:
    """The actions this actor may take on this case now, in the state map's order (an action
    the map has but no page offers, such as the follow-up's relapse reopening, is left out)."""
    return [ACTIONS[a] for a in actions_for(state=case.state, kind=kind) if a in ACTIONS]
