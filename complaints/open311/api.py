"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/.

Services are our categories (service_code = Category.code); requests are cases
(service_request_id = the tracking number). Both .json and .xml; errors are the spec's list of
{code, description} with 400/403/404. Personal fields (email, names, phone) are encrypted like
the web form's; device_id and account_id are never stored (they identify a device or person).

The read side (GET requests and requests/<id>) is public and the same for everyone, api_key or
not: it lists requests filed through Open311 and closed cases the office has marked 可公开,
with status and dates, but takes description and status_notes only from the office-reviewed,
masked publication snapshot and never gives a location (lat, long, address are null);
before publication, after a withdrawal or a 不公开 decision a request has no text. What is
public is decided in complaints.open311.selectors, not here. A client that posted a request
keeps its own copy of what it sent.
"""

import hashlib
import secrets
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from portal.core.ratelimit import client_key
from portal.core.text import strip_control_chars

from ..choices import CaseSource
from ..models import Case, Category, Open311Client
from ..selectors import category_list
from ..services.intake import case_submit, complaint_text_error
from .selectors import open311_request_list_public, open311_request_rows_public

SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_RESULTS = 1000
DEFAULT_DAYS = 90


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


# --- rendering -------------------------------------------------------------------------------


def _xml_value(parent, key, value):
    el = ET.SubElement(parent, key)
    if isinstance(value, list):
        child = key[:-1] if key.endswith("s") else "item"
        for item in value:
            if isinstance(item, dict):
                _xml_dict(ET.SubElement(el, child), item)
            else:
                ET.SubElement(el, child).text = _text(item)
    elif isinstance(value, dict):
        _xml_dict(el, value)
    else:
        el.text = _text(value)


def _xml_dict(el, data: dict):
    for key, value in data.items():
        _xml_value(el, key, value)


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return strip_control_chars(str(value))  # XML 1.0 forbids most C0 control characters


def render(fmt: str, data, *, root: str, item: str = "", status: int = 200):
    if fmt == "json":
        return JsonResponse(
            data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
        )
    top = ET.Element(root)
    if isinstance(data, list):
        for entry in data:
            _xml_dict(ET.SubElement(top, item), entry)
    else:
        _xml_dict(top, data)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def error(fmt: str, status: int, description: str):
    return render(
        fmt,
        [{"code": status, "description": description}],
        root="errors",
        item="error",
        status=status,
    )


def iso(dt) -> str | None:
    return timezone.localtime(dt).isoformat(timespec="seconds") if dt else None


def handle_errors(view):
    def wrapped(request, *args, fmt="json", **kwargs):
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return error(fmt, exc.status, exc.description)

    wrapped.__name__ = view.__name__
    return wrapped


# --- discovery and services ------------------------------------------------------------------


@require_GET
def index(request):
    return render(
        "json",
        {
            "discovery": request.build_absolute_uri(
                reverse("complaints:open311_discovery", kwargs={"fmt": "json"})
            ),
            "specification": SPEC,
        },
        root="open311",
    )


@require_GET
@handle_errors
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/")
    return render(
        fmt,
        {
            "changeset": "2026-11-01T00:00:00+08:00",
            "contact": ", ".join(settings.OFFICE_NOTIFY_EMAILS),
            "key_service": "api_key is issued by the efficiency office (效能办)",
            "endpoints": [
                {
                    "specification": SPEC,
                    "url": base,
                    "changeset": "2026-11-01T00:00:00+08:00",
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
        root="discovery",
    )


def _service(category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": category.keywords,
        "group": "效能投诉",
    }


@require_GET
@handle_errors
def services(request, fmt):
    return render(fmt, [_service(c) for c in category_list()], root="services", item="service")


@require_GET
@handle_errors
def service_definition(request, code, fmt):
    if not category_list().filter(code=code).exists():
        raise Open311Error(404, f"service_code {code} not found")
    return render(fmt, {"service_code": code, "attributes": []}, root="service_definition")


# --- requests --------------------------------------------------------------------------------


def _rows(cases) -> list[dict]:
    return [
        {k: iso(v) if isinstance(v, datetime) else v for k, v in row.items()}
        for row in open311_request_rows_public(cases)
    ]


def _parse_when(value: str, name: str):
    try:  # parse_datetime raises on well-formed impossible dates (2026-02-30, T25:00)
        dt = parse_datetime(value.strip().replace(" ", "+")) if value else None
    except ValueError:
        dt = None
    if value and dt is None:
        raise Open311Error(400, f"{name} must be an ISO 8601 date and time")
    if dt is not None and timezone.is_naive(dt):
        dt = timezone.make_aware(dt)
    return dt


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
@handle_errors
def requests_view(request, fmt):
    if request.method == "POST":
        return _request_create(request, fmt)
    params = request.GET
    qs = open311_request_list_public()
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        qs = qs.filter(number__in=ids)
    else:
        start = _parse_when(params.get("start_date", ""), "start_date")
        end = _parse_when(params.get("end_date", ""), "end_date")
        if start and end and start > end:
            raise Open311Error(400, "start_date is after end_date")
        if not start and not end:
            start = timezone.now() - timedelta(days=DEFAULT_DAYS)
        if start:
            qs = qs.filter(submitted_at__gte=start)
        if end:
            qs = qs.filter(submitted_at__lte=end)
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
        if codes:
            qs = qs.filter(category__code__in=codes)
        status = [s.strip() for s in params.get("status", "").split(",") if s.strip()]
        if any(s not in ("open", "closed") for s in status):
            raise Open311Error(400, "status must be open or closed")
        if status == ["open"]:
            qs = qs.open()
        elif status == ["closed"]:
            qs = qs.exclude(pk__in=qs.open().values("pk"))
    rows = _rows(qs.order_by("-submitted_at")[:MAX_RESULTS])
    return render(fmt, rows, root="service_requests", item="request")


def _client_for(request):
    key = request.POST.get("api_key", "").strip()
    if key:
        digest = hashlib.sha256(key.encode()).hexdigest()
        client = Open311Client.objects.filter(key_hash=digest, active=True).first()
        if client is None:
            raise Open311Error(403, "api_key is invalid")
        return client
    if not settings.OPEN311_ANONYMOUS_POST:
        raise Open311Error(403, "api_key was not provided")
    if is_ratelimited(
        request,
        group="open311-post",
        key=client_key,
        rate=settings.COMPLAINT_RATE_LIMIT,
        method="POST",
        increment=True,
    ):
        raise Open311Error(429, "too many requests without api_key; try later")
    return None


def _decimal(value, name, low, high):
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise Open311Error(400, f"{name} must be a number") from exc
    if not number.is_finite() or not low <= number <= high:
        raise Open311Error(400, f"{name} is out of range")
    return number.quantize(Decimal("0.000001"))


def _request_create(request, fmt):
    data = request.POST
    client = _client_for(request)
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code is required")
    category = Category.objects.filter(code=code, active=True).first()
    if category is None:
        raise Open311Error(404, f"service_code {code} not found")
    lat, lng = data.get("lat", "").strip(), data.get("long", "").strip()
    address, address_id = data.get("address_string", "").strip(), data.get("address_id", "").strip()
    if bool(lat) != bool(lng):
        raise Open311Error(400, "lat and long must be given together")
    if not (lat or address or address_id):
        raise Open311Error(
            400, "a location is required: lat and long, address_string or address_id"
        )
    latitude = _decimal(lat, "lat", -90, 90) if lat else None
    longitude = _decimal(lng, "long", -180, 180) if lng else None
    description = data.get("description", "").strip()
    problem = complaint_text_error(description)
    if problem is not None:
        raise Open311Error(
            400,
            "description is required"
            if problem.code == "required"
            else f"description is longer than {settings.COMPLAINT_TEXT_MAX_CHARS} characters",
        )
    name = " ".join(
        p for p in (data.get("first_name", "").strip(), data.get("last_name", "").strip()) if p
    )
    email, phone = data.get("email", "").strip(), data.get("phone", "").strip()
    named = bool(name and (email or phone))
    token = secrets.token_urlsafe(12)
    try:
        case, _ = case_submit(
            category=category,
            text=description,
            anonymous=not named,
            contact_name=name if named else "",
            contact_phone=phone if named else "",
            contact_email=email if named else "",
            notify_email=email if not named else "",
            source=CaseSource.OPEN311,
            open311_client=client,
            latitude=latitude,
            longitude=longitude,
            address_string=address,
            address_id=address_id,
            open311_token=token,
            with_receipt=False,
        )
    except ValidationError as exc:
        raise Open311Error(400, "; ".join(exc.messages)) from exc
    return render(
        fmt,
        [
            {
                "service_request_id": case.number,
                "token": token,
                "service_notice": "已受理，请凭 service_request_id 查询办理进展",
                "account_id": "",
            }
        ],
        root="service_requests",
        item="request",
        status=201,
    )


@require_GET
@handle_errors
def request_detail(request, request_id, fmt):
    case = open311_request_list_public().filter(number=request_id).first()
    if case is None:
        raise Open311Error(404, f"service_request_id {request_id} not found")
    return render(fmt, _rows([case]), root="service_requests", item="request")


@require_GET
@handle_errors
def token_detail(request, token, fmt):
    case = Case.objects.filter(source=CaseSource.OPEN311, open311_token=token).first()
    if case is None:
        raise Open311Error(404, "token not found")
    return render(
        fmt,
        [{"service_request_id": case.number, "token": token}],
        root="service_requests",
        item="request",
    )
