"""Private storage for every non-public file: complaint attachments, month-end leader
reports, warning-talk minutes. It lives outside MEDIA_ROOT, so /media/ never serves it.

Why: attachments may show the complainant or third parties, reports rank named officials before
the office publishes anything, and minutes record a talk with one official; each is read only
through a view that checks the reader's role (portal.core.files.private_file_response serves it).
"""

import uuid
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


def private_root() -> Path:
    return Path(
        getattr(settings, "PRIVATE_MEDIA_ROOT", None)
        or (Path(settings.MEDIA_ROOT).parent / "private-media")
    )


def private_storage():
    return FileSystemStorage(location=str(private_root()), base_url=None)


@deconstructible
class RandomName:
    """upload_to for private files: "<prefix>/<uuid4 hex>.<ext>". Only the extension of the
    name the caller passes is kept (callers pass one decided by the content); the original
    file name, which may name the person, and the date are stored nowhere."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        ext = PurePath(filename or "").suffix.lower().lstrip(".")
        ext = ext if ext.isalnum() and len(ext) <= 5 else "bin"
        return f"{self.prefix}/{uuid.uuid4().hex}.{ext}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.prefix == self.prefix

    def __hash__(self):
        return hash(self.prefix)
