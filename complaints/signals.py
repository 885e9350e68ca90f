"""Signal handlers of the complaints app, connected by importing this module in
ComplaintsConfig.ready(): a change of the office's holiday calendar (admin or load) empties
the in-process cache of complaints.workdays."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Holiday
from .workdays import calendar_invalidate


@receiver([post_save, post_delete], sender=Holiday, dispatch_uid="holiday_calendar_invalidate")
def holiday_changed(sender, **kwargs):
    calendar_invalidate()
    transaction.on_commit(calendar_invalidate)
