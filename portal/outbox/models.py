from django.db import models


class OutboxMessage(models.Model):
    """A Celery task to send, written in the same transaction as the change that needs it."""

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)  # ids only: the broker never holds personal data
    queue = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "id"], name="outbox_unsent_idx")]

    def __str__(self):
        return f"{self.task_name} #{self.pk}"


class TaskRun(models.Model):
    """Idempotency ledger: a task's effect is recorded under its key in the effect's own
    transaction, so a redelivered task finds the key and does nothing."""

    key = models.CharField(max_length=200, unique=True)
    task_name = models.CharField(max_length=200)
    done_at = models.DateTimeField()

    def __str__(self):
        return self.key
