"""Celery tasks of the complaints app (autodiscovered as `complaints.tasks`): importing this
package registers every task of its modules. Services import a task from its own module."""

from .followups import (  # noqa: F401
    case_notify_task,
    document_deliver_task,
    receipt_recover_send_task,
    retry_countdown,
)
from .periodic import (  # noqa: F401
    case_deadline_sweep_task,
    delivery_resume_task,
    monitor_reminder_send_task,
    office_digest_send_task,
)
from .supervision import supervision_escalation_mail_task  # noqa: F401
