"""Closed cases made by walking the complaints app's real state machine, and publication
through the real services (used by tests/complaints/publication and tests/portal/reporting)."""

import inspect
from datetime import timedelta

from django.utils import timezone

from complaints.choices import Finding, HandlingAction, HandlingTier
from complaints.models import Category
from complaints.publication import selectors, services
from complaints.services import case_submit
from complaints.services.workflow import (
    case_accept,
    case_answer,
    case_approve,
    case_assign,
    case_close,
    case_sign,
)
from portal.accounts import roles
from portal.accounts.services import staff_user_create


def office(username="office-pub"):
    return staff_user_create(username=username, role=roles.OFFICE, password="pw-12345678")


def department_user(unit):
    return staff_user_create(
        username=f"dept-{unit.pk}", role=roles.DEPARTMENT, password="pw-12345678", unit=unit
    )


def category(code="efficiency"):
    """A category from the complaints app's data migration (flushed in transactional tests,
    where the test makes it again)."""
    found = Category.objects.filter(code=code).first() or Category.objects.order_by("id").first()
    if found is None:
        found = Category.objects.create(name="办事效率", code=code)
    return found


def case_answered(
    *,
    unit,
    text,
    official=None,
    answer="已核实并整改。",
    finding=Finding.TRUE,
    measures="",
    cat=None,
    actor=None,
    **submit,
):
    actor = actor or office()
    case, _ = case_submit(
        category=cat or category(),
        text=text,
        official=official,
        unit=None if official else unit,
        **submit,
    )
    case_accept(case=case, actor=actor)
    case_assign(case=case, actor=actor, department=unit)
    handler = department_user(unit)
    case_sign(case=case, actor=handler)
    case_answer(
        case=case,
        actor=handler,
        answer=answer,
        finding=finding,
        measures=measures,
    )
    case.refresh_from_db()
    return case


def case_closed(
    *,
    unit,
    text,
    tier=HandlingTier.GENERAL,
    action=HandlingAction.NONE,
    solved=True,
    actor=None,
    **kw,
):
    actor = actor or office()
    case = case_answered(unit=unit, text=text, actor=actor, **kw)
    case_approve(case=case, actor=actor)
    extra = {}
    if action == HandlingAction.WARNING_LETTER and "rectify_by" in _transition_args():
        extra["rectify_by"] = timezone.localdate() + timedelta(days=10)  # 限期整改
    case_close(
        case=case,
        actor=actor,
        solved=solved,
        handling_tier=tier,
        handling_action=action,
        **extra,
    )
    case.refresh_from_db()
    return case


def _transition_args():
    return inspect.signature(case_close).parameters


def publish(case, *, actor=None, **overrides):
    """Publish what the preview proposes (optionally hand-edited fields)."""
    actor = actor or office()
    text, _ = selectors.outcome_preview_for_office(user=actor, case=case)
    text = services.OutcomeText(**{**text.__dict__, **overrides})
    return services.outcome_publish(
        case=case,
        actor=actor,
        text=text,
        private_names=selectors.complainant_names(user=actor, case=case),
    )
