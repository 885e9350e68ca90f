from django.conf import settings
from django.db import models


class ChainHead(models.Model):
    """The latest link of one chain. Locked (SELECT … FOR UPDATE) to append; one row per chain,
    so chains do not serialise on one global lock (e.g. one chain per case, per official)."""

    chain = models.CharField(max_length=100, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.chain}#{self.seq}"


class AuditEvent(models.Model):
    """An append-only, hash-chained record of one state change: who, what, before, after."""

    chain = models.CharField(max_length=100, db_index=True)
    seq = models.PositiveBigIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq")]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        ordering = ["chain", "seq"]

    def __str__(self):
        return f"{self.chain}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")

    def payload(self) -> dict:
        return {
            "chain": self.chain,
            "seq": self.seq,
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "before": self.before,
            "after": self.after,
            "created_at": self.created_at,
        }


class DailyHeadDigest(models.Model):
    """One day's published digest of every chain head (transparency page and feed).

    Written once and never changed. Each day's digest covers the day before, so an earlier
    value cannot be altered without changing every later one that people may have saved."""

    day = models.DateField(unique=True)
    audit_digest = models.CharField(max_length=64)  # registry.chain_heads_digest()
    ratings_digest = models.CharField(max_length=64, blank=True)
    chains = models.PositiveIntegerField(default=0)
    events = models.PositiveBigIntegerField(default=0)
    prev_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day} {self.digest}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("published digests are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("published digests are never deleted")
