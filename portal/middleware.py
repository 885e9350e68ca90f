"""Request id, security headers (Content-Security-Policy), no-store on back-office answers and
staff two-factor enforcement."""

import re
import uuid

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from portal.core.logging import request_id_var

_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# The public site runs no inline script (JS lives in static/js/*.js). Inline style attributes
# are still allowed: the page templates use a few, and style injection cannot run code.
CSP_PUBLIC = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Wagtail 8's admin still renders inline <script> blocks (inline panels, multiple-chooser
# panels, date/time widgets) and inline styles, previews pages in a same-origin iframe and
# uses blob: URLs for image uploads. Only signed-in staff reach it, behind two-factor sign-in.
CSP_ADMIN = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "frame-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'self'"
)
PERMISSIONS_POLICY = (
    # the QR rating page needs the phone's location on the same origin; nothing else is used
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), interest-cohort=()"
)


class RequestIdMiddleware:
    """Give every request an id (nginx's X-Request-ID when it is well-formed, else a new one),
    put it into every log line of the request and return it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID_OK.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


def _is_admin_path(path: str) -> bool:
    return path.startswith(getattr(settings, "ADMIN_PATH_PREFIX", "/admin/"))


class SecurityHeadersMiddleware:
    """Content-Security-Policy (strict for the public site, looser for the Wagtail admin),
    Permissions-Policy and cross-origin headers. Django's SecurityMiddleware adds HSTS,
    nosniff and Referrer-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _is_admin_path(request.path):
            policy = getattr(settings, "CSP_ADMIN", CSP_ADMIN)
        else:
            policy = getattr(settings, "CSP_PUBLIC", CSP_PUBLIC)
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class BackOfficeNoStoreMiddleware:
    """Cache-Control: no-store (and Pragma: no-cache for HTTP/1.0 caches) on every back-office
    answer, so no browser history, disk cache or proxy keeps a page with decrypted contact data.

    Why both tests: a path prefix (settings.BACK_OFFICE_PATH_PREFIXES: the Wagtail admin, the
    office desk, the department inbox) covers every answer there, the sign-in page and the
    redirects of anonymous visitors included, with no view able to forget it; a signed-in
    back-office user (portal.accounts.roles.is_back_office) is covered wherever a page is added
    later and on public pages, which may show who is signed in. The user is only looked at
    when the request carries a session cookie: anonymous public pages neither touch the
    session nor change, so nginx can keep caching them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._back_office(request):
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response

    @staticmethod
    def _back_office(request) -> bool:
        if request.path.startswith(tuple(settings.BACK_OFFICE_PATH_PREFIXES)):
            return True
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        user = getattr(request, "user", None)
        if user is None:
            return False
        from portal.accounts.roles import is_back_office

        return is_back_office(user)


# Paths a signed-in staff member may reach before the second factor: signing in and out,
# the two-factor pages themselves, the admin's own assets that every admin-styled page
# (the two-factor pages included) fetches — the icon sprite and the JS catalogue: caught,
# they rendered the set-up page a second time and became the "next" page after the code —
# files, probes and the language switch.
TWO_FACTOR_EXEMPT = (
    "/admin/login/",
    "/admin/logout/",
    "/admin/password_reset/",
    "/admin/2fa/",
    "/admin/jsi18n/",
    "/admin/sprite/",
    "/static/",
    "/media/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/i18n/",
)


def _admin_home() -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:  # a URLconf without the admin (some test URLconfs)
        return None


class StaffTwoFactorMiddleware:
    """When STAFF_2FA_REQUIRED is on, staff of every role (and superusers) who signed in with
    a password reach nothing but the two-factor pages until they pass a TOTP
    check in this session: not the Wagtail admin, not the office desk (/office/...), not the
    department inbox (/dept/...), nor any back-office view added later, whatever its path.
    Without a device they are sent to enrol one first. Needs django_otp's OTPMiddleware
    before it. It also sends an account the admin is not for to its own start page when the
    sign-in lands it on the admin's home (portal.accounts.landing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(settings, "STAFF_2FA_REQUIRED", False) and self._must_verify(request):
            from portal.accounts.twofactor import next_step_url

            return redirect(next_step_url(request))
        landing = self._landing(request)
        if landing:
            return redirect(landing)
        if not self._admin_path_allowed(request):
            raise Http404
        return self.get_response(request)

    @staticmethod
    def _admin_path_allowed(request) -> bool:
        """A monitor reaches only their own pages inside the admin (portal.accounts.landing)."""
        home = _admin_home()
        user = getattr(request, "user", None)
        if home is None or user is None or not request.path.startswith(home):
            return True
        from portal.accounts.landing import admin_path_allowed

        return admin_path_allowed(user, request.path, home)

    @staticmethod
    def _landing(request) -> str | None:
        """After signing in everyone is sent to the admin's home; a leader or a monitor goes
        on to its own start page (portal.accounts.landing)."""
        if request.method != "GET" or request.path != _admin_home():
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        from portal.accounts.landing import landing_url

        return landing_url(user)

    @staticmethod
    def _must_verify(request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith(TWO_FACTOR_EXEMPT):
            return False
        from portal.accounts.twofactor import two_factor_required_for

        if not two_factor_required_for(user):
            return False
        return not user.is_verified()
