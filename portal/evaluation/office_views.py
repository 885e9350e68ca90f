"""The QR code images of a unit and of its officials (files, not pages: the office's and the
units' evaluation pages are in the Wagtail admin, admin_*), and their inline SVG for pages."""

import io

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import reverse

from cms.models import OfficialPage, Unit
from portal.accounts.guards import unit_object_or_404

from . import services

# --- QR codes, posters, kiosks, tickets ----------------------------------------------------


def _qr_response(url, fmt):
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    if fmt == "svg":
        qr.save(buffer, kind="svg", scale=6, border=2, title="评价二维码")
        return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    qr.save(buffer, kind="png", scale=8, border=2)
    return HttpResponse(buffer.getvalue(), content_type="image/png")


def qr_url(request, unit, official=None):
    token = services.qr_token_make(unit=unit, official=official)
    return request.build_absolute_uri(reverse("evaluation:qr", args=[token]))


@login_required
def qr_unit(request, unit_id, fmt):
    unit = unit_object_or_404(request.user, Unit.objects.all(), unit_field="pk", pk=unit_id)
    return _qr_response(qr_url(request, unit), fmt)


@login_required
def qr_official(request, official_id, fmt):
    official = unit_object_or_404(
        request.user,
        OfficialPage.objects.select_related("unit"),
        unit_field="unit_id",
        pk=official_id,
    )
    return _qr_response(qr_url(request, official.unit, official), fmt)


def inline_svg(url, scale=4):
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title="评价二维码"
    )
    return buffer.getvalue().decode()
