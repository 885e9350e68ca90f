import io
from pathlib import Path

import pytest
from django.conf import settings
from reportlab.pdfgen import canvas

from portal.core.pdf import EMBEDDED, cjk_font


def test_pdfs_embed_a_truetype_cjk_font_when_one_is_installed():
    if not any(Path(p).exists() for p in settings.PDF_CJK_FONT_PATHS):
        pytest.skip("no TrueType CJK font installed (apt-get install fonts-wqy-zenhei)")
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont(cjk_font(), 14)
    pdf.drawString(72, 720, "效能告诫：县市场监督管理局")
    pdf.save()
    data = buffer.getvalue()
    assert cjk_font() == EMBEDDED
    assert b"/FontFile2" in data  # the glyphs travel with the document
