"""Follow-ups a write queues for after its commit: the notices of a case event.

Owns the rule that a notice goes through the outbox (stored with the change, sent after commit),
so a broker outage neither loses it nor turns a saved complaint into an error page. The task it
queues runs services.notify, which queues nothing back.
"""

from portal.outbox.services import outbox_enqueue

from ..tasks.followups import case_notify_task


def case_notify_enqueue(*, case, event: str) -> None:
    """Queue the notices of one event of one case (call inside the write's transaction)."""
    outbox_enqueue(case_notify_task, kwargs={"case_id": case.pk, "event": event})
