"""After submission, the complainant's side of a case.

Owns: the two-way thread (a complainant may not write once the case is final), the call-back
answer (回访 — final once given; not satisfied reopens the case once), and a named
complainant's retaliation report (a linked, urgent case the office keeps).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.services import audit_append

from ..attachments import attachments_clean, attachments_store
from ..choices import FINAL_STATES, ActorKind, CallbackResult, CaseSource, CaseState, MessageAuthor
from ..models import Case, Message
from .followups import case_notify_enqueue
from .intake import text_clean
from .receipts import text_digest, tracking_number_next
from .workflow.closing import case_reopen
from .workflow.screening import case_accept

ERR_CALLBACK_STATE = _("当前不在回访阶段")
ERR_CALLBACK_DONE = _("回访评价已提交，不能更改")
ERR_MESSAGE_CLOSED = _("该投诉件已办结或不予受理，不能再补充留言")
ERR_RETALIATION_NAMED = _("只有实名投诉人可以反映打击报复")


def message_post(*, case, author_kind: str, text: str, author=None, files=()) -> Message:
    """Add to the two-way thread (complainant by receipt code, office or department)."""
    text = text_clean(text)
    if author_kind == MessageAuthor.COMPLAINANT and case.state in FINAL_STATES:
        raise ValidationError({"text": ERR_MESSAGE_CLOSED})
    cleaned = attachments_clean(files)
    with transaction.atomic():
        message = Message.objects.create(
            case=case, author_kind=author_kind, author=author, text=text
        )
        attachments_store(case=case, cleaned=cleaned, message=message)
        audit_append(
            chain=case.audit_chain,
            action="case.message",
            obj=case,
            actor=author,
            actor_label="" if author else author_kind,
            after={
                "message": message.pk,
                "author_kind": author_kind,
                "text_sha256": text_digest(text),
            },
        )
        if author_kind != MessageAuthor.COMPLAINANT:
            case_notify_enqueue(case=case, event="message")
    return message


def callback_answer(*, case, result: str, comment: str = "") -> Case:
    """The complainant's call-back answer (回访). Final once given; not satisfied reopens the
    case once (it goes back to the department) — after that the office decides."""
    if result not in CallbackResult.values:
        raise ValidationError({"result": ERR_CALLBACK_STATE})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.state != CaseState.CALLBACK:
            raise ValidationError({"result": ERR_CALLBACK_STATE})
        if case.callback_result:
            raise ValidationError({"result": ERR_CALLBACK_DONE})
        case.callback_result, case.callback_at = result, timezone.now()
        case.save(update_fields=["callback_result", "callback_at", "updated_at"])
        if comment.strip():
            Message.objects.create(
                case=case, author_kind=MessageAuthor.COMPLAINANT, text=comment.strip()[:4000]
            )
        audit_append(
            chain=case.audit_chain,
            action="case.callback",
            obj=case,
            actor_label=ActorKind.COMPLAINANT.value,
            after={"callback_result": result},
        )
        if (
            result == CallbackResult.NOT_SATISFIED
            and case.reopen_count < settings.CASE_REOPEN_LIMIT
        ):
            case = case_reopen(
                case=case,
                actor_kind=ActorKind.COMPLAINANT,
                reason=str(_("投诉人对办理结果不满意，重新办理")),
            )
    return case


def retaliation_report(*, case, text: str) -> Case:
    """A named complainant reports retaliation: a linked, urgent case the office keeps.

    The new case opens with the same receipt code; it is accepted at once and can never be
    assigned to the department complained about (workflow.case_assign refuses it)."""
    if case.anonymous or case.source != CaseSource.WEB:
        raise ValidationError({"text": ERR_RETALIATION_NAMED})
    text = text_clean(text)
    now = timezone.now()
    with transaction.atomic():
        linked = Case.objects.create(
            number=tracking_number_next(at=now),
            source=CaseSource.WEB,
            submitted_at=now,
            subject_kind=case.subject_kind,
            official=case.official,
            unit=case.unit,
            category=case.category,
            title=str(_("反映打击报复")),
            text=text,
            text_sha256=text_digest(text),
            anonymous=False,
            receipt_hash=case.receipt_hash,
            contact_name_enc=case.contact_name_enc,
            contact_phone_enc=case.contact_phone_enc,
            contact_email_enc=case.contact_email_enc,
            related_to=case,
            urgent=True,
            retaliation=True,
        )
        audit_append(
            chain=linked.audit_chain,
            action="case.submit",
            obj=linked,
            actor_label=ActorKind.COMPLAINANT.value,
            after={
                "state": linked.state,
                "source": linked.source,
                "anonymous": False,
                "retaliation": True,
                "related_to": case.number,
                "text_sha256": linked.text_sha256,
            },
        )
        linked = case_accept(
            case=linked,
            actor_kind=ActorKind.SYSTEM,
            reason=str(_("打击报复线索，效能办直接办理")),
        )
        case_notify_enqueue(case=linked, event="submitted")
    return linked
