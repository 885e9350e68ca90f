"""Private storage for every non-public file: complaint attachments, month-end leader
reports, warning-talk minutes. It lives outside MEDIA_ROOT, so /media/ never serves it.

Why: attachments may show the complainant or third parties, reports rank named officials before
the office publishes anything, and minutes record a talk with one official; each is read only
through a view that checks the reader's role (portal.core.files.private_file_response serves it).
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_root() -> Path:
    return Path(
        getattr(settings, "PRIVATE_MEDIA_ROOT", None)
        or (Path(settings.MEDIA_ROOT).parent / "private-media")
    )


def private_storage():
    return FileSystemStorage(location=str(private_root()), base_url=None)
