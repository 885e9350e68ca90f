"""Private storage for complaint attachments: outside MEDIA_ROOT, so /media/ never serves them.

Why: attachments may show the complainant or third parties; they are read only through views
that check access (office, the case's department, or the receipt holder).
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage():
    root = getattr(settings, "PRIVATE_MEDIA_ROOT", None) or (
        Path(settings.MEDIA_ROOT).parent / "private-media"
    )
    return FileSystemStorage(location=str(root), base_url=None)
