"""Audit trail writes: append one hash-chained event per state change.

Callers run inside their own transaction.atomic() so the event commits with the change.
"""

from django.db import transaction
from django.utils import timezone

from .hashing import GENESIS, link_hash
from .models import AuditEvent, ChainHead


def audit_append(
    *,
    chain: str,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    actor=None,
    actor_label: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append an event to `chain` (e.g. "case:42"); locks only that chain's head row."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    # no savepoint of its own: a failure here must roll the caller's change back anyway, and
    # a rating's call-back appends one of these (issue 17: three queries on a known chain)
    with transaction.atomic(savepoint=False):
        head = ChainHead.objects.select_for_update().filter(chain=chain).first()
        if head is None:
            ChainHead.objects.bulk_create(
                [ChainHead(chain=chain, head_hash=GENESIS)], ignore_conflicts=True
            )
            head = ChainHead.objects.select_for_update().get(chain=chain)
        event = AuditEvent(
            chain=chain,
            seq=head.seq + 1,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_label=actor_label or (getattr(actor, "username", "") or ""),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            before=before or {},
            after=after or {},
            created_at=timezone.now(),
            prev_hash=head.head_hash,
        )
        event.hash = link_hash(event.prev_hash, roundtrip(event.payload()))
        event.save()
        head.seq, head.head_hash = event.seq, event.hash
        head.save(update_fields=["seq", "head_hash", "updated_at"])
    return event


def roundtrip(payload):
    # hash what the database will give back (JSON round trip of before/after)
    import json

    from .hashing import canonical

    return json.loads(canonical(payload))
