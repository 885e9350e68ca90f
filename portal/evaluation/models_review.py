"""The office's decisions on suspicious-pattern flags (issue 17) that are not revocations."""

from django.conf import settings
from django.db import models


class SuspiciousDismissal(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    """驳回: the office looked at a flag's ratings and found nothing to revoke. The flag stays
    hidden until a rating newer than the dismissal joins the same pattern."""

    kind = models.CharField(max_length=20)
    official = models.ForeignKey("cms.OfficialPage", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=64, blank=True)
    reason = models.TextField("理由")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["official", "kind", "key"])]
