"""The receipt after a POST (Post/Redirect/Get, issue 21): the intake and recovery views put
the receipt in a short-lived cookie and redirect to /complaints/receipt/, which shows the code
once and, on a reload, the same receipt without it.

The cookie and its rules (encrypted, short-lived, scoped to the receipt path, the code
shown once even on a replay) are portal.core.oncecookie's.
"""

from datetime import datetime

from portal.core.oncecookie import OnceCookie

from .services.receipts import Receipt

COOKIE = "receipt"
COOKIE_PATH = "/complaints/receipt/"
RECEIPT_PAGE_MINUTES = 30
ONCE = OnceCookie(COOKIE, COOKIE_PATH, RECEIPT_PAGE_MINUTES)


def receipt_keep(response, *, receipt: Receipt, reissued: bool = False) -> None:
    """Put the receipt (with its code) on the redirect `response`."""
    ONCE.keep(
        response,
        {
            "n": receipt.number,
            "c": receipt.code,
            "t": receipt.submitted_at_iso,
            "h": receipt.text_sha256,
            "s": receipt.signature,
            "r": reissued,
        },
    )


def receipt_show(request, response_factory):
    """Read the cookie and render through `response_factory(receipt, reissued, code_shown)`;
    the code goes out on the first render only, and the cookie is rewritten without it.
    Returns None when there is no valid cookie (expired, forged, another key)."""
    found = ONCE.read(request)
    if found is None:
        return None
    data, first = found
    try:
        receipt = Receipt(
            number=data["n"],
            code=data["c"],
            submitted_at=datetime.fromisoformat(data["t"]),
            text_sha256=data["h"],
            signature=data["s"],
        )
    except (ValueError, KeyError, TypeError):
        return None
    response = response_factory(receipt, bool(data.get("r")), first)
    ONCE.spend(response, data)
    return response
