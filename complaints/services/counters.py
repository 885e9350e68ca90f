"""Named sequences (tracking numbers, assignment document and batch numbers).

Owns the rule that a number is never handed out twice: the counter row is locked for its own
short transaction only, so callers do not queue behind each other's longer work.
"""

from django.db import transaction

from ..models import Counter


def counter_next(*, key: str) -> int:
    """Next value of a named sequence; the counter row is locked so numbers never repeat."""
    with transaction.atomic():
        Counter.objects.get_or_create(key=key)
        row = Counter.objects.select_for_update().get(key=key)
        row.last += 1
        row.save(update_fields=["last"])
        return row.last
