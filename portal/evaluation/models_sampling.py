"""Wuhan's SMS sampling channel (短信回访评价): service records (办件) imported from the window
systems, a random sample of citizens invited by SMS, their replies "1/2/3".

Anonymity: the phone is stored encrypted on the service record (portal.core.crypto) and as a
keyed hash on the invitation, to find the invitation a reply answers; the rating made from a
reply points at neither (no link from a rating back to a phone).
"""

from django.conf import settings
from django.db import models


class ServiceRecordSource(models.TextChoices):
    FILE = "file", "文件导入"
    API = "api", "窗口系统接口"


class ServiceRecord(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    unit = models.ForeignKey("cms.Unit", on_delete=models.PROTECT, related_name="+")
    official = models.ForeignKey(
        "cms.OfficialPage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    external_id = models.CharField("办件编号", max_length=64)
    phone_encrypted = models.TextField(editable=False)
    finished_at = models.DateTimeField("办结时间")
    source = models.CharField(max_length=5, choices=ServiceRecordSource.choices)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        constraints = [
            models.UniqueConstraint(fields=["unit", "external_id"], name="servicerecord_unique"),
        ]


class SmsInvitation(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    """A sampled record's invitation; answered once. It does not point at the rating."""

    record = models.OneToOneField(ServiceRecord, on_delete=models.PROTECT, related_name="+")
    phone_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)


class SmsInbound(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    """A reply the SMS provider delivered, by its message id: a second delivery is a no-op."""

    provider_message_id = models.CharField(max_length=100, unique=True)
    received_at = models.DateTimeField()
    result = models.CharField(max_length=20)


class WindowSystemEndpoint(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    """A unit's window system (窗口办件系统) that posts service records; HMAC secret encrypted."""

    unit = models.OneToOneField("cms.Unit", on_delete=models.CASCADE, related_name="+")
    secret_enc = models.TextField(editable=False)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField()
