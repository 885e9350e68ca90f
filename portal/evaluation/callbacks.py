"""The office's call-back desk (回访): the queue and the one way to a named rater's phone.

Owns the rules: only the office reads the queue and reveals a phone; each reveal is an audit
event in the rating's office chain, written before the phone is returned; a revoked rating
leaves the queue; overdue call-backs first, then by deadline.
"""

from django.db import transaction
from django.utils import timezone

from portal.accounts.guards import Role, require_role
from portal.audit.services import audit_append
from portal.core import crypto

from .models import CallBack, RatingContact


def callback_desk_queue(*, user, limit: int = 500) -> list[CallBack]:
    require_role(user, Role.OFFICE, hide=True)
    items = list(
        CallBack.objects.filter(recorded_at__isnull=True, rating__revocation__isnull=True)
        .select_related("rating", "rating__official", "rating__unit")
        .order_by("due_at", "pk")[:limit]
    )
    now = timezone.now()
    for item in items:
        item.overdue = item.due_at < now
    # due_at ascending already puts the overdue ones first; said explicitly for the reader
    return sorted(items, key=lambda c: (not c.overdue, c.due_at))


def callback_get_for_office(*, user, pk) -> CallBack:
    """An open or recorded call-back, for the office only (anyone else: 404)."""
    require_role(user, Role.OFFICE, hide=True)
    return CallBack.objects.select_related("rating", "rating__official", "rating__unit").get(pk=pk)


@transaction.atomic
def callback_contact_reveal(*, callback: CallBack, actor) -> dict | None:
    """The named rater's name and phone, for the office's explicit "reveal" only; an audit
    event names who revealed whose contact. None for an anonymous rating."""
    require_role(actor, Role.OFFICE, hide=True)
    contact = RatingContact.objects.filter(rating_id=callback.rating_id).first()
    if contact is None:
        return None
    audit_append(
        chain=f"rating-office:{callback.rating.official_id}",
        action="callback_contact_reveal",
        obj=callback,
        actor=actor,
        after={"rating": callback.rating_id},
    )
    return {"name": contact.name, "phone": crypto.decrypt(contact.phone_encrypted)}
