"""Image bombs through the public complaint form (issue 15): a PNG of a few kilobytes that
decodes to tens of megapixels cost seconds and a gigabyte per file; it is refused by its
header, before any pixel is decoded, with a clear message, and nothing is stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.models import Attachment, Case

from .test_intake import _form

pytestmark = pytest.mark.django_db


def _png(width, height) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _post(client, category, data):
    upload = SimpleUploadedFile("photo.png", data, "image/png")
    return client.post("/complaints/new/", _form(category, attachments=[upload]))


def test_an_image_above_the_pixel_limit_is_refused_before_decoding(client, category, settings):
    settings.MAX_IMAGE_PIXELS = 4_000_000
    bomb = _png(2500, 2500)  # 6.25 MP in a few KB
    assert len(bomb) < 50_000
    response = _post(client, category, bomb)
    assert response.status_code == 400
    assert "尺寸过大" in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_an_image_within_the_limit_is_accepted(client, category, settings):
    settings.MAX_IMAGE_PIXELS = 4_000_000
    assert _post(client, category, _png(1500, 1500)).status_code == 302
    assert Attachment.objects.count() == 1
