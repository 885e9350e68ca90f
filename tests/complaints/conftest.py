"""Fixtures for the complaint desk: categories, role accounts and cases made through services."""

import io

import pytest
from PIL import Image

from complaints.models import Category
from portal.accounts import roles
from tests.factories import CaseFactory, StaffUserFactory


@pytest.fixture(autouse=True)
def _clean_outboxes(settings):
    from portal.core import sms

    sms.outbox.clear()
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from django.core.cache import cache

    cache.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def category(db):
    cat, _ = Category.objects.get_or_create(
        code="efficiency", defaults={"name": "办事效率", "display_order": 2}
    )
    return cat


@pytest.fixture
def make_user(db):
    def make(role, unit=None, email=""):
        return StaffUserFactory(role=role, unit=unit, email=email, password="pw-2026-x")

    return make


@pytest.fixture
def office_user(make_user):
    return make_user(roles.OFFICE)


@pytest.fixture
def monitor_user(make_user):
    return make_user(roles.MONITOR)


@pytest.fixture
def make_case(category):
    def make(**kw):
        return CaseFactory(**{"category": category, **kw})

    return make


def image_bytes(fmt="JPEG", size=(32, 24), exif_gps=False):
    img = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    kwargs = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "SecretCam"  # Make
        exif[0x8825] = {2: (39.0, 54.0, 0.0), 1: "N"}  # GPSInfo
        kwargs["exif"] = exif.tobytes()
    img.save(out, format=fmt, **kwargs)
    return out.getvalue()


def pdf_bytes():
    """A real one-page PDF: attachments are opened and rewritten, so a stub would be refused."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
