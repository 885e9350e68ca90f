"""Security headers: a strict Content-Security-Policy (no inline scripts) on the public site,
a looser one for the Wagtail admin, and a request id on every response."""

import re

import pytest

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")", re.I
)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _directives(policy):
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part
    }


@pytest.mark.parametrize("path", ["/", "/officials/"])
def test_public_pages_forbid_inline_scripts_and_contain_none(client, site_pages, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = _directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), "inline <script> on a public page"
    assert not INLINE_HANDLER.search(html), "inline event handler on a public page"


def test_public_pages_carry_the_other_security_headers(client, site_pages):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


def test_admin_gets_the_policy_wagtail_needs_and_still_no_foreign_scripts(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    csp = _directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_each_response_gets_a_fresh_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_a_well_formed_request_id_from_nginx_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="0123456789abcdef0123")
    assert response["X-Request-ID"] == "0123456789abcdef0123"


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
