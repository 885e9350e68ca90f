"""Per-client limits on the public forms that carry a captcha (complaint, rating, code recovery).

Rule owned here: a POST counts against its form's limit only once its captcha passed; a POST
whose captcha failed counts instead against CAPTCHA_FAILURE_RATE_LIMIT, one allowance per
client shared by every form. Before a form is checked, both are looked at without counting:
a client past either is refused without its captcha being spent.
Why: a limit counted before the captcha is one a script fills with junk it never had to solve
(issue 15: ten junk POSTs locked every citizen behind the proxy out of the complaint form); the
separate failure allowance bounds guessing the captcha itself. Keys: portal.core.ratelimit
(one bucket per client address or IPv6 /64, under the cache-only rotating secret).
"""

from django.conf import settings
from django_ratelimit.core import get_usage

from .ratelimit import client_key

CAPTCHA_FAILURES = "captcha-failures"


def _usage(request, *, group: str, rate: str, increment: bool):
    return get_usage(request, group=group, key=client_key, rate=rate, increment=increment)


def _used_up(request, *, group: str, rate: str) -> bool:
    usage = _usage(request, group=group, rate=rate, increment=False)
    return usage is not None and (usage["should_limit"] or usage["count"] >= usage["limit"])


def form_refused(request, *, group: str, rate: str) -> bool:
    """The client has used up `rate` for this form, or its failed-captcha allowance: refuse
    the POST before checking anything. Counts nothing."""
    return _used_up(request, group=group, rate=rate) or _used_up(
        request, group=CAPTCHA_FAILURES, rate=settings.CAPTCHA_FAILURE_RATE_LIMIT
    )


def form_counted(request, *, form, group: str, rate: str) -> bool:
    """Count a checked form's POST (call after form.is_valid()): against `rate` when its
    captcha passed, as a failed captcha otherwise. True when this POST went over `rate` and
    must be refused."""
    if "captcha" in form.fields and "captcha" in form.errors:
        _usage(
            request,
            group=CAPTCHA_FAILURES,
            rate=settings.CAPTCHA_FAILURE_RATE_LIMIT,
            increment=True,
        )
        return False
    usage = _usage(request, group=group, rate=rate, increment=True)
    return bool(usage and usage["should_limit"])
