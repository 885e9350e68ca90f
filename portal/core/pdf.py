"""The CJK font for generated PDFs (assignment documents, month-end reports).

An embedded TrueType font makes the Chinese readable in any viewer, even on a closed network
with no CJK fonts installed; reportlab cannot embed the OpenType/CFF Noto fonts, so we look for
TrueType ones (Debian: fonts-wqy-zenhei) and fall back to the built-in CID font STSong-Light,
which viewers render with their own fonts.
"""

from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics

EMBEDDED = "PortalCJK"
FALLBACK = "STSong-Light"


def cjk_font() -> str:
    """Register (once) and return the name of the font to use for Chinese text."""
    registered = pdfmetrics.getRegisteredFontNames()
    if EMBEDDED in registered:
        return EMBEDDED
    if FALLBACK in registered:
        return FALLBACK
    for path in settings.PDF_CJK_FONT_PATHS:
        if Path(path).exists():
            from reportlab.pdfbase.ttfonts import TTFont

            try:
                pdfmetrics.registerFont(TTFont(EMBEDDED, path))
                return EMBEDDED
            except Exception:  # an unusable font file: try the next one
                continue
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return FALLBACK
