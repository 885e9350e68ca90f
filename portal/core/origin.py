"""Cross-site request refusal for the public forms served from cached pages.

Rule owned here: a POST to a view wrapped in `same_origin_only` is refused (403) when the
browser says it came from another site — Sec-Fetch-Site `cross-site` or `same-site`, or else
an Origin (or, lacking one, a Referer) whose scheme and host are not this site's or one of
CSRF_TRUSTED_ORIGINS. A request carrying none of the three (old clients, scripts) passes: it
cannot have been made by a modern browser on another site's behalf, which is what CSRF is.
Why instead of Django's token: the token is per visitor, so a page that renders it cannot be
served from the shared page cache (portal.core.pagecache). Every browser in use sends Origin
on a cross-origin form POST (and Sec-Fetch-Site since 2020–2023), so the check stops the same
attack; the anonymous forms keep their captcha as well. Staff forms keep the standard token.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseForbidden
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

MSG_CROSS_SITE = _("请求来自其他网站，已拒绝")


def _ours(request, url: str) -> bool:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return False
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    try:
        own = f"{request.scheme}://{request.get_host()}".lower()
    except Exception:
        return False
    trusted = {o.lower().rstrip("/") for o in getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}
    return origin == own or origin in trusted


def same_origin(request) -> bool:
    site = request.headers.get("Sec-Fetch-Site", "").lower()
    if site in ("cross-site", "same-site"):
        return False
    if site in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return _ours(request, origin)
    if origin == "null":  # sandboxed frames, privacy redirects: not provably ours
        return False
    referer = request.headers.get("Referer")
    if referer:
        return _ours(request, referer)
    return True


def same_origin_only(view):
    """csrf_exempt, replaced by the same-origin check on every unsafe method."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS") and not same_origin(request):
            return HttpResponseForbidden(str(MSG_CROSS_SITE))
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
