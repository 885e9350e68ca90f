"""The task a supervision's escalation queues (through the outbox): its e-mail. Thin: ids in,
one service call; the name is fixed (an outbox row keeps the name it was stored with)."""

from celery import shared_task


@shared_task(
    name="complaints.tasks.supervision_escalation_mail_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def supervision_escalation_mail_task(*, supervision_id: int, level: int) -> int:
    from ..models import Supervision
    from ..services.supervision_mail import supervision_escalation_mail

    rows = Supervision.objects.select_related("case__department")
    supervision = rows.filter(pk=supervision_id).first()
    return supervision_escalation_mail(supervision=supervision, level=level) if supervision else 0
