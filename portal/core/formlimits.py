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

from .ratelimit import Limit, client_key, usages

CAPTCHA_FAILURES = "captcha-failures"


def _limit(request, group: str, rate: str, increment: bool = False) -> Limit:
    return Limit(group, client_key(group, request), rate, increment)


def form_refused(request, *, group: str, rate: str) -> bool:
    """The client has used up `rate` for this form, or its failed-captcha allowance: refuse
    the POST before checking anything. Counts nothing (both looked at in one round trip)."""
    found = usages(
        [
            _limit(request, group, rate),
            _limit(request, CAPTCHA_FAILURES, settings.CAPTCHA_FAILURE_RATE_LIMIT),
        ]
    )
    return any(u["should_limit"] or u["used_up"] for u in found)


def form_counted(request, *, form, group: str, rate: str, also=()) -> bool:
    """Count a checked form's POST (call after form.is_valid()): against `rate` when its
    captcha passed, as a failed captcha otherwise. `also`: more limits (portal.core.ratelimit.
    Limit) counted in the same round trip when the form is valid (the rating's per-voter
    limit). True when this POST went over any of them and must be refused."""
    if "captcha" in form.fields and "captcha" in form.errors:
        usages([_limit(request, CAPTCHA_FAILURES, settings.CAPTCHA_FAILURE_RATE_LIMIT, True)])
        return False
    limits = [_limit(request, group, rate, True)]
    if not form.errors:
        limits += list(also)
    return any(u["should_limit"] for u in usages(limits))
