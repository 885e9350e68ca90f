"""Writes of the publication of outcomes (办理结果公开).

Owns: which cases may be published (closed, not held back by the office), the masked snapshot
the public reads, the re-application of the pattern masks on every publish (the hand-edited
text is authoritative for names, never for numbers), the audit event on the case's chain in
the same transaction, the search index after commit (the statistics version follows the saved
outcome through portal.reporting.signals).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.choices import CaseState, HandlingAction, HandlingTier, PublicationStatus
from complaints.models import Case
from portal.accounts.guards import Role, require_role
from portal.audit.services import audit_append
from search import api as search_api

from . import masking
from .models import PublishedOutcome
from .search_documents import DOC_TYPE

ERR_NOT_CLOSED = _("只有办结的投诉件可以公开")
ERR_HELD = _("该投诉件已被决定不公开")
ERR_TITLE = _("请填写标题")
ERR_SUMMARY = _("请填写问题摘要")
ERR_REASON = _("请填写撤回理由")
ERR_NOT_PUBLISHED = _("该结果未公开")


@dataclass(frozen=True)
class OutcomeText:
    """The public texts of an outcome, as the office approves them in the preview."""

    title: str
    summary: str
    answer: str
    measures: str
    accountability: str


def accountability_text(*, handling_tier: str, handling_action: str) -> str:
    """问责处理 line from the case's closing record, e.g. "一般性问题：预警告知函"."""
    parts = []
    if handling_tier in HandlingTier.values:
        parts.append(str(HandlingTier(handling_tier).label))
    if handling_action in HandlingAction.values:
        parts.append(str(HandlingAction(handling_action).label))
    return "：".join(parts)


def _working_days(case) -> int | None:
    from complaints.workdays import working_days_between

    if not case.closed_at:
        return None
    start = timezone.localdate(case.submitted_at)
    end = timezone.localdate(case.answered_at or case.closed_at)
    return max(0, working_days_between(start, end))


def _clean(text: OutcomeText, *, private_names) -> OutcomeText:
    # Why re-mask: numbers and the complainant's own name are never publishable, whatever the
    # hand edit left; other names are the office's call (an official may be named on purpose).
    def clean(value: str) -> str:
        # control characters (U+000B...) make the RSS/Atom feeds unserialisable
        value = masking.mask_numbers(masking.strip_control_chars(value or "").strip())
        return masking.mask_names(value, private_names=private_names, detect=False)

    return OutcomeText(
        title=clean(text.title)[:200],
        summary=clean(text.summary),
        answer=clean(text.answer),
        measures=clean(text.measures),
        accountability=clean(text.accountability),
    )


def outcome_publish(
    *, case: Case, actor, text: OutcomeText, private_names: tuple[str, ...] = ()
) -> PublishedOutcome:
    """Publish (or re-publish after an edit) the masked outcome of a closed case.

    `private_names` are names that must never appear (the complainant's own, from the
    office-only contact selector); they are masked again whatever the text says."""
    require_role(actor, Role.OFFICE)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("category", "department", "official")
            .get(pk=case.pk)
        )
        if case.state != CaseState.CLOSED:
            raise ValidationError(ERR_NOT_CLOSED)
        if case.publication == PublicationStatus.HELD:
            raise ValidationError(ERR_HELD)
        text = _clean(text, private_names=private_names)
        errors = {}
        if not text.title:
            errors["title"] = ERR_TITLE
        if not text.summary:
            errors["summary"] = ERR_SUMMARY
        if errors:
            raise ValidationError(errors)
        if case.publication != PublicationStatus.READY:
            # publishing is the office's decision that the case may be public: record it on
            # the case too, so the complaints back office shows 可公开
            from complaints.services.workflow.closing import case_publication_set

            case = case_publication_set(case=case, actor=actor, ready=True)
        outcome = PublishedOutcome.objects.select_for_update().filter(case=case).first()
        action = "outcome.publish"
        before = {}
        if outcome is None:
            outcome = PublishedOutcome(case=case)
        elif outcome.is_published:
            action = "outcome.edit"
            before = {"title": outcome.title}
        now = timezone.now()
        outcome.number = case.number
        outcome.title, outcome.summary = text.title, text.summary
        outcome.answer, outcome.measures = text.answer, text.measures
        outcome.accountability = text.accountability
        outcome.department = case.department
        outcome.department_name = case.department.name if case.department else ""
        outcome.category_code, outcome.category_name = case.category.code, case.category.name
        outcome.official = case.official
        outcome.official_name = case.official.title if case.official else ""
        outcome.finding, outcome.solved = case.finding, case.solved
        outcome.handling_tier, outcome.handling_action = case.handling_tier, case.handling_action
        outcome.rectify_by = case.rectify_by
        outcome.submitted_at, outcome.answered_at = case.submitted_at, case.answered_at
        outcome.closed_at = case.closed_at or now
        outcome.year = timezone.localdate(outcome.closed_at).year
        outcome.working_days = _working_days(case)
        outcome.is_published = True
        outcome.first_published_at = outcome.first_published_at or now
        outcome.published_at, outcome.published_by = now, actor
        outcome.withdrawn_at, outcome.withdrawn_reason = None, ""
        outcome.save()
        audit_append(
            chain=case.audit_chain,
            action=action,
            obj=case,
            actor=actor,
            before=before,
            after={"outcome": outcome.pk, "title": outcome.title},
        )
        search_api.index_on_commit(DOC_TYPE, [outcome.pk])
    return outcome


def outcome_unpublish(*, outcome: PublishedOutcome, actor, reason: str) -> PublishedOutcome:
    """Withdraw a published outcome from the public pages, the feed and the search index.
    The row stays (the audit trail and a later re-publication refer to it)."""
    require_role(actor, Role.OFFICE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ERR_REASON})
    with transaction.atomic():
        outcome = PublishedOutcome.objects.select_for_update().get(pk=outcome.pk)
        if not outcome.is_published:
            raise ValidationError(ERR_NOT_PUBLISHED)
        outcome.is_published = False
        outcome.withdrawn_at, outcome.withdrawn_reason = timezone.now(), reason[:200]
        outcome.save(
            update_fields=["is_published", "withdrawn_at", "withdrawn_reason", "updated_at"]
        )
        audit_append(
            chain=f"case:{outcome.case_id}",
            action="outcome.unpublish",
            obj=outcome.case,
            actor=actor,
            before={"published": True},
            after={"outcome": outcome.pk, "reason": outcome.withdrawn_reason},
        )
        search_api.remove_on_commit(DOC_TYPE, [outcome.pk])
    return outcome
