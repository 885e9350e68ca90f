"""The receipt after a POST (Post/Redirect/Get, issue 21): the intake and recovery views put
the receipt in a short-lived cookie and redirect to /complaints/receipt/, which shows the code
once and, on a reload, the same receipt without it.

Why a cookie and not the session: complainants get no session (portal/settings/base.py: only
accounts have one; a session cookie would also take every later page of theirs out of the
page cache), and nothing about the case is kept on the server for the page. The cookie is
encrypted and authenticated (Fernet under the field keys, so the code cannot be read from a
copied cookie store), expires after RECEIPT_PAGE_MINUTES, is HttpOnly, SameSite=Strict and
scoped to the receipt path. "Once" holds on a replay of the first cookie too: the first
render claims the cookie's random nonce in the shared cache (cache.add), and every render
after that, whatever cookie it carries, shows no code.
"""

import json
import secrets
from datetime import datetime

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.cache import cache

from portal.core import crypto

from .services.receipts import Receipt

COOKIE = "receipt"
COOKIE_PATH = "/complaints/receipt/"
RECEIPT_PAGE_MINUTES = 30


def _token(data: dict) -> str:
    return crypto.fernet().encrypt(json.dumps(data).encode()).decode()


def _set(response, data: dict) -> None:
    response.set_cookie(
        COOKIE,
        _token(data),
        max_age=RECEIPT_PAGE_MINUTES * 60,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def receipt_keep(response, *, receipt: Receipt, reissued: bool = False) -> None:
    """Put the receipt (with its code) on the redirect `response`."""
    _set(
        response,
        {
            "n": receipt.number,
            "c": receipt.code,
            "t": receipt.submitted_at_iso,
            "h": receipt.text_sha256,
            "s": receipt.signature,
            "r": reissued,
            "k": secrets.token_hex(16),
        },
    )


def receipt_show(request, response_factory):
    """Read the cookie and render through `response_factory(receipt, reissued, code_shown)`;
    the code goes out on the first render only, and the cookie is rewritten without it.
    Returns None when there is no valid cookie (expired, forged, another key)."""
    raw = request.COOKIES.get(COOKIE, "")
    try:
        data = json.loads(crypto.fernet().decrypt(raw.encode(), ttl=RECEIPT_PAGE_MINUTES * 60))
        submitted_at = datetime.fromisoformat(data["t"])
    except (InvalidToken, ValueError, KeyError, TypeError):
        return None
    first = bool(data.get("c")) and cache.add(
        f"receipt-shown:{data.get('k', '')}", 1, RECEIPT_PAGE_MINUTES * 60
    )
    receipt = Receipt(
        number=data["n"],
        code=data["c"] if first else "",
        submitted_at=submitted_at,
        text_sha256=data["h"],
        signature=data["s"],
    )
    response = response_factory(receipt, bool(data.get("r")), first)
    if data.get("c"):
        _set(response, {**data, "c": ""})
    return response
