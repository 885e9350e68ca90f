"""Staff sign-in throttling: password guesses against /admin/login/ (and Wagtail's private-page
sign-in, which checks the same passwords) are limited per client network and per (username,
network).

Rules owned here: a failed POST to a sign-in path (any answer but the redirect of a
successful sign-in) counts one attempt against the client's network (IPv4 /24, IPv6 /64, so an
attacker cannot rotate through neighbouring addresses) and one against the username typed
*from that network* (NFKC-normalised and case-folded, as the forms compare it); past
SIGN_IN_RATE_LIMIT_NETWORK or SIGN_IN_RATE_LIMIT_USERNAME the answer is 429 without checking
the password. Successful sign-ins count nothing. A guesser
therefore gets at most min(network limit, username limit) tries per hour on one account from
one network.
Why never per account alone (as before): a per-username limit is one that anybody can use up —
ten wrong passwords from anywhere locked the office out of its own back office for an hour. A
distributed guesser gets the username limit once per network it holds; behind the password,
production requires two-factor sign-in for staff (STAFF_2FA_REQUIRED), which no guess passes.

Why keyed hashes: the rate-limit store (the cache) never holds a raw address or username; the
keys are built by portal.core.ratelimit (truncated HMACs under a rotating secret kept only in
the cache), the client address comes from portal.core.netaddr.
"""

import unicodedata

from django.conf import settings
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from .netaddr import client_address
from .ratelimit import Limit, client_network, keyed, network_key, usages

SIGN_IN_PATHS = ("/admin/login/", "/_util/login/")
MSG_TOO_MANY = _("登录尝试过于频繁，请稍后再试")


def _username(request) -> str:
    """The username as the sign-in forms compare it: Django's UsernameField normalises to NFKC,
    so ａｌｉｃｅ, 𝐚𝐥𝐢𝐜𝐞 and alice are one account and must be one bucket (red team)."""
    raw = request.POST.get("username") or ""
    return unicodedata.normalize("NFKC", raw).strip().casefold()[:150]


def _buckets(request) -> list[tuple[str, str, str]]:
    network = client_network(client_address(request))
    return [
        ("sign-in.network", network_key(request), settings.SIGN_IN_RATE_LIMIT_NETWORK),
        (
            "sign-in.username",
            keyed("user", f"{_username(request)}|{network}"),
            settings.SIGN_IN_RATE_LIMIT_USERNAME,
        ),
    ]


def sign_in_limited(request) -> bool:
    """True when the network, or the username from this network, has used up its allowance
    of failed attempts (counts nothing)."""
    found = usages([Limit(g, key, rate, method="POST") for g, key, rate in _buckets(request)])
    return any(u["should_limit"] or u["used_up"] for u in found)


def sign_in_failed(request) -> None:
    """Count one failed attempt against both buckets (a successful sign-in counts nothing:
    a morning of clerks signing in behind one address must not lock the office out)."""
    usages([Limit(g, key, rate, True, method="POST") for g, key, rate in _buckets(request)])


def attempts_per_hour_bound() -> float:
    """The most password guesses per hour one network gets against one account."""
    return min(
        rate_per_hour(settings.SIGN_IN_RATE_LIMIT_NETWORK),
        rate_per_hour(settings.SIGN_IN_RATE_LIMIT_USERNAME),
    )


def rate_per_hour(rate: str) -> float:
    """django-ratelimit's "N/P" (P in s, m, h, d, optionally with a multiplier) as N per hour."""
    from django_ratelimit.core import _split_rate

    count, seconds = _split_rate(rate)
    return count * 3600 / seconds


class SignInThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or request.path not in SIGN_IN_PATHS:
            return self.get_response(request)
        if sign_in_limited(request):
            body = (
                f'<!doctype html><html lang="zh-Hans"><meta charset="utf-8">'
                f"<title>429</title><p>{escape(MSG_TOO_MANY)}</p></html>"
            )
            response = HttpResponse(body, status=429)
            response["Retry-After"] = "3600"
            return response
        response = self.get_response(request)
        if response.status_code != 302:  # the form again: wrong password (or a bad form)
            sign_in_failed(request)
        return response
