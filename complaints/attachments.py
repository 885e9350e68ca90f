"""Attachment checks: the type is decided by the content (magic bytes), not the file name;
images are re-encoded so EXIF (GPS position, camera serial) never reaches the disk
(portal.core.images); PDFs are rewritten without Info and XMP metadata, and refused when they
carry script or embedded files (portal.core.pdfclean). Storing
the cleaned files: a random file name, in the case's private storage."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from portal.core.images import image_reencode
from portal.core.pdfclean import pdf_clean

from .models import Attachment

ERR_TOO_MANY = _("附件最多 %(n)s 个")
ERR_TOO_BIG = _("附件“%(name)s”超过 %(mb)s MB")
ERR_TYPE = _("附件“%(name)s”不是 JPEG、PNG 或 PDF 文件")

KINDS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def attachment_clean(upload) -> tuple[bytes, str, str]:
    """Return (bytes to store, content type, extension) or raise ValidationError."""
    name = getattr(upload, "name", "") or "file"
    limit = settings.COMPLAINT_MAX_ATTACHMENT_BYTES
    if upload.size > limit:
        raise ValidationError(ERR_TOO_BIG, params={"name": name, "mb": limit // (1024 * 1024)})
    upload.seek(0)
    data = upload.read()
    content_type = sniff(data[:16])
    if content_type is None:
        raise ValidationError(ERR_TYPE, params={"name": name})
    if content_type == "application/pdf":
        data = pdf_clean(data, name=name)  # rewritten without Info/XMP; script refused
    else:
        data = image_reencode(data, content_type, name=name)
    return data, content_type, KINDS[content_type]


def attachments_clean(uploads) -> list[tuple[bytes, str, str, str]]:
    uploads = [u for u in uploads if u]
    if len(uploads) > settings.COMPLAINT_MAX_ATTACHMENTS:
        raise ValidationError(ERR_TOO_MANY, params={"n": settings.COMPLAINT_MAX_ATTACHMENTS})
    cleaned = []
    errors = []
    for upload in uploads:
        try:
            data, ctype, ext = attachment_clean(upload)
        except ValidationError as exc:
            errors.extend(exc.error_list)
            continue
        cleaned.append((data, ctype, ext, hashlib.sha256(data).hexdigest()))
    if errors:
        raise ValidationError(errors)
    return cleaned


def attachments_store(*, case, cleaned, message=None, evidence=False) -> None:
    """Save files that attachments_clean accepted, on the case (and its message)."""
    for data, ctype, ext, digest in cleaned:
        att = Attachment(
            case=case,
            message=message,
            content_type=ctype,
            size=len(data),
            sha256=digest,
            evidence=evidence,
        )
        att.file.save(f"{secrets.token_hex(16)}.{ext}", ContentFile(data), save=False)
        att.save()
