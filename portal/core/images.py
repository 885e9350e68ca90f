"""Re-encoding of uploaded images (complaint attachments, warning-talk minutes): only the
pixels are written back, so EXIF (GPS position, camera serial, owner's name), XMP, PNG text
chunks and ICC profiles never reach the disk. The one owner of that rule for every caller."""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ERR_IMAGE_BROKEN = _("附件“%(name)s”已损坏，无法读取 (file is damaged)")


def image_reencode(data: bytes, content_type: str, *, name: str = "") -> bytes:
    """The image in `data` (image/jpeg or image/png) written again from its pixels alone."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)  # keep the picture upright once EXIF is gone
            fmt = "JPEG" if content_type == "image/jpeg" else "PNG"
            if fmt == "JPEG" and img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            # a fresh image without info/exif/icc: only the pixels are written back
            clean = Image.new(img.mode, img.size)
            clean.paste(img)
            if img.mode == "P" and img.getpalette():
                clean.putpalette(img.getpalette())
            out = io.BytesIO()
            clean.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
            return out.getvalue()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise ValidationError(ERR_IMAGE_BROKEN, params={"name": name}) from exc
