"""Refuse a NUL byte anywhere in the request's parameters with a 400, before any view runs.

Why: PostgreSQL text columns cannot hold U+0000, so a %00 reaching a query or an INSERT raises
DataError (a 500) in every view that filters or stores what it is given. Nothing legitimate
sends NUL in a form field, a query parameter or a file name; one check here covers every view.
Open311 clients get the answer in the Open311 error format (JSON, or XML for *.xml paths).
"""

import json
import xml.etree.ElementTree as ET

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

MSG_INVALID = _("请求中含有非法字符")
NUL = "\x00"


def _has_nul(querydict) -> bool:
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in querydict.lists()
    )


def _keep_body_readable(request) -> None:
    """Parsing a multipart body consumes the stream, and a view that reads request.body later
    (the signed document-exchange receiver) would fail. Within the size Django allows for
    request.body anyway, read it first: it is cached and the form is parsed from the copy."""
    if not request.content_type == "multipart/form-data":
        return  # urlencoded forms are parsed from request.body, other types are not parsed
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or length <= limit:
        request.body  # noqa: B018  (cached on the request)


def request_has_nul(request) -> bool:
    """True when the path, a GET/POST key or value, or an uploaded file's name holds NUL."""
    if NUL in request.path or _has_nul(request.GET):
        return True
    if request.method == "POST":
        _keep_body_readable(request)
        if _has_nul(request.POST):
            return True
        for key, files in request.FILES.lists():
            if NUL in key or any(NUL in (f.name or "") for f in files):
                return True
    return False


def refusal(path: str) -> HttpResponse:
    if path.startswith("/open311/"):
        if path.endswith(".xml"):
            top = ET.Element("errors")
            error = ET.SubElement(top, "error")
            ET.SubElement(error, "code").text = "400"
            ET.SubElement(error, "description").text = str(MSG_INVALID)
            body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
            return HttpResponse(body, status=400, content_type="text/xml; charset=utf-8")
        body = json.dumps([{"code": 400, "description": str(MSG_INVALID)}], ensure_ascii=False)
        return HttpResponse(body, status=400, content_type="application/json")
    return HttpResponse(str(MSG_INVALID), status=400, content_type="text/plain; charset=utf-8")


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            return refusal(request.path)
        return self.get_response(request)
