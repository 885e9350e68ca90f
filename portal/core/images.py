"""Re-encoding of uploaded images (complaint attachments, warning-talk minutes): only the
pixels are written back, so EXIF (GPS position, camera serial, owner's name), XMP, PNG text
chunks and ICC profiles never reach the disk. The one owner of that rule for every caller."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ERR_IMAGE_BROKEN = _("附件“%(name)s”已损坏，无法读取")
ERR_IMAGE_TOO_LARGE = _("图片“%(name)s”尺寸过大（超过 %(limit)s 万像素），请缩小后再上传")


def image_reencode(data: bytes, content_type: str, *, name: str = "") -> bytes:
    """The image in `data` (image/jpeg or image/png) written again from its pixels alone."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            # the header alone gives the size: an image bomb (a few KB of PNG that decodes to
            # tens of megapixels, seconds of CPU and a gigabyte each) is refused before decoding
            width, height = probe.size
            if width * height > settings.MAX_IMAGE_PIXELS:
                raise ValidationError(
                    ERR_IMAGE_TOO_LARGE,
                    params={"name": name, "limit": settings.MAX_IMAGE_PIXELS // 10_000},
                    code="too_large",
                )
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
