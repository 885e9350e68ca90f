"""The rating receipt page (issue 22): after a web rating the POST redirects here
(Post/Redirect/Get) with the receipt code in a short encrypted cookie (portal.core.oncecookie);
the page shows the code once and a reload shows the thanks without it. The profile page stays
shared (portal.core.pagecache): the code is never in it, only on this never-cached page."""

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.core.oncecookie import OnceCookie

from . import receipts, selectors

COOKIE = "rating_receipt"
COOKIE_PATH = "/ratings/receipt/"
ONCE = OnceCookie(COOKIE, COOKIE_PATH, minutes=30)


def receipt_keep(response, *, rating) -> None:
    """Put the rating's receipt code on the redirect `response`."""
    ONCE.keep(response, {"c": receipts.rating_code(rating.pk), "o": rating.official_id})


@never_cache
@require_GET
def rating_receipt(request):
    found = ONCE.read(request)
    if found is None:
        return redirect("/")
    data, first = found
    official_id = data.get("o")
    official = selectors.official_row(official_id) if isinstance(official_id, int) else None
    response = render(
        request,
        "evaluation/receipt.html",
        {"official": official, "code": data.get("c", ""), "code_shown": first},
    )
    ONCE.spend(response, data)
    return response
