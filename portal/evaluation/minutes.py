"""What the office may keep as the minutes of a warning talk (谈话记录).

Owns: the accepted types, decided by the content (magic bytes), never by the file name —
PDF (rewritten without metadata, script refused: portal.core.pdfclean), PNG/JPEG
(re-encoded without EXIF: portal.core.images) and Word/Excel documents (docx/xlsx, without
document properties, macros refused: portal.core.ooxml); the size limit (MINUTES_MAX_BYTES).
Why: minutes are about one named official and are served to the office and leaders only; a
file that a browser would render (HTML, SVG) or run must never be accepted at all.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.images import image_reencode
from portal.core.ooxml import is_zip, ooxml_clean
from portal.core.pdfclean import pdf_clean

ERR_MINUTES_TYPE = _("谈话记录只接受 PDF、PNG 或 JPEG 图片、Word 或 Excel 文档（docx、xlsx）")
ERR_MINUTES_TOO_BIG = _("谈话记录文件超过 %(mb)s MB")


def minutes_clean(upload) -> tuple[bytes, str]:
    """(bytes to store, extension) for an uploaded minutes file, or ValidationError."""
    name = getattr(upload, "name", "") or "file"
    limit = settings.MINUTES_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(ERR_MINUTES_TOO_BIG, params={"mb": limit // (1024 * 1024)})
    upload.seek(0)
    data = upload.read()
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return pdf_clean(data, name=name), "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return image_reencode(data, "image/jpeg", name=name), "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return image_reencode(data, "image/png", name=name), "png"
    if is_zip(head):
        return ooxml_clean(data, name=name)
    raise ValidationError(ERR_MINUTES_TYPE, code="minutes_type")
