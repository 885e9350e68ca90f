from django.db import models


class PublishedHeads(models.Model):
    """The signed JSON document of one published day: every chain head (name, length, head
    hash) and the day's digest over them. Written once with its DailyHeadDigest, never changed;
    served at /transparency/<day>.json and checked by `manage.py verify_published`."""

    day = models.DateField(unique=True)
    document = models.TextField()  # canonical JSON, signature included

    class Meta:
        ordering = ["-day"]

    def __str__(self):
        return str(self.day)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("published documents are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("published documents are never deleted")
