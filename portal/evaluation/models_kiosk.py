"""Window kiosks tied to real transactions (一次一评).

A kiosk device (窗口评价器) belongs to one unit; the office issues and withdraws it. Its link
carries a random token that only the office sees once; the database keeps its SHA-256 only.
The unit's clerk opens a transaction (办件) for an official on a device; the device can rate
only an open transaction, once, before it expires (KIOSK_TRANSACTION_MINUTES).
"""

from django.conf import settings
from django.db import models


class KioskDevice(models.Model):
    unit = models.ForeignKey("cms.Unit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("评价器名称", max_length=60)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField("有效期至")
    withdrawn_at = models.DateTimeField("停用时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "窗口评价器"
        verbose_name_plural = "窗口评价器"

    def __str__(self):
        return self.name

    def usable(self, now) -> bool:
        return self.withdrawn_at is None and self.expires_at > now


class KioskTransaction(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    """One person served at the window, opened by the clerk; rated at most once."""

    device = models.ForeignKey(KioskDevice, on_delete=models.PROTECT, related_name="transactions")
    official = models.ForeignKey("cms.OfficialPage", on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["device", "used_at", "expires_at"])]
