"""The office's review of ratings: revocation (撤销), appeals (申诉复核) and call-backs (回访).

Each is one function that checks the office's role, locks what can race and appends its audit
event in the same transaction; a revoked rating stays stored and only stops counting.
"""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts import roles
from portal.accounts.guards import Role, require_role
from portal.audit.seals import record_seal
from portal.audit.services import audit_append

from .models import AppealStatus, CallBack, Rating, RatingAppeal, RatingRevocation
from .rules import aggregates_cache_key

MSG_ALREADY_REVOKED = _("该评价已撤销")
MSG_CALLBACK_DONE = _("回访结果已记录，不能更改")
MSG_APPEAL_DONE = _("该申诉已处理")


# --- office actions ------------------------------------------------------------------------


@transaction.atomic
def rating_revoke(*, rating: Rating, actor, reason: str, appeal=None) -> RatingRevocation:
    """撤销 by the efficiency office with a reason; the rating stays, it only stops counting."""
    require_role(actor, Role.OFFICE)
    if not reason.strip():
        raise ValidationError(_("请填写撤销理由"), code="reason")
    Rating.objects.select_for_update().filter(pk=rating.pk).first()
    if RatingRevocation.objects.filter(rating=rating).exists():
        raise ValidationError(MSG_ALREADY_REVOKED, code="revoked")
    revocation = RatingRevocation.objects.create(
        rating=rating, reason=reason.strip(), actor=actor, created_at=timezone.now()
    )
    audit_append(
        chain=f"rating-office:{rating.official_id}",
        action="rating_revoke",
        obj=rating,
        actor=actor,
        after={
            "reason": revocation.reason,
            "appeal": appeal.pk if appeal else None,
            "seal": record_seal(revocation),
        },
    )
    transaction.on_commit(
        lambda: cache.delete(aggregates_cache_key(rating.official_id, timezone.localdate()))
    )
    return revocation


@transaction.atomic
def appeal_file(*, rating: Rating, appellant, grounds: str) -> RatingAppeal:
    """申诉复核: the rated unit's own account (or the office) asks for a review."""
    if not (
        roles.is_office(appellant)
        or (roles.is_department(appellant) and appellant.unit_id == rating.unit_id)
    ):
        raise PermissionDenied
    if not grounds.strip():
        raise ValidationError(_("请填写申诉理由"), code="grounds")
    appeal = RatingAppeal.objects.create(
        rating=rating, appellant=appellant, grounds=grounds.strip(), created_at=timezone.now()
    )
    audit_append(
        chain=f"rating-office:{rating.official_id}",
        action="appeal_file",
        obj=appeal,
        actor=appellant,
        after={"rating": rating.pk, "grounds": appeal.grounds, "seal": record_seal(appeal)},
    )
    return appeal


@transaction.atomic
def appeal_decide(*, appeal: RatingAppeal, actor, revoke: bool, reason: str) -> RatingAppeal:
    """The office upholds the rating or revokes it."""
    require_role(actor, Role.OFFICE)
    appeal = RatingAppeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.status != AppealStatus.PENDING:
        raise ValidationError(MSG_APPEAL_DONE, code="decided")
    if revoke:
        rating_revoke(rating=appeal.rating, actor=actor, reason=reason, appeal=appeal)
    appeal.status = AppealStatus.REVOKED if revoke else AppealStatus.UPHELD
    appeal.decided_by, appeal.decided_at = actor, timezone.now()
    appeal.decision_reason = reason.strip()
    appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_append(
        chain=f"rating-office:{appeal.rating.official_id}",
        action="appeal_decide",
        obj=appeal,
        actor=actor,
        before={"status": AppealStatus.PENDING},
        after={
            "status": appeal.status,
            "reason": appeal.decision_reason,
            "seal": record_seal(appeal),
        },
    )
    return appeal


@transaction.atomic
def callback_record(
    *,
    callback: CallBack,
    actor,
    reached: bool,
    verified_true: bool | None,
    resolved: bool | None,
    note: str = "",
) -> CallBack:
    """Record the outcome of a call-back once; it cannot be changed afterwards."""
    require_role(actor, Role.OFFICE)
    callback = CallBack.objects.select_for_update().get(pk=callback.pk)
    if callback.recorded_at is not None:
        raise ValidationError(MSG_CALLBACK_DONE, code="recorded")
    callback.reached, callback.verified_true, callback.resolved = reached, verified_true, resolved
    callback.note, callback.recorded_by, callback.recorded_at = note.strip(), actor, timezone.now()
    callback.save(
        update_fields=["reached", "verified_true", "resolved", "note", "recorded_by", "recorded_at"]
    )
    audit_append(
        chain=f"rating-office:{callback.rating.official_id}",
        action="callback_record",
        obj=callback,
        actor=actor,
        after={
            "reached": reached,
            "verified_true": verified_true,
            "resolved": resolved,
            "note": callback.note,
            "overdue": callback.recorded_at > callback.due_at,
            "seal": record_seal(callback),
        },
    )
    return callback
