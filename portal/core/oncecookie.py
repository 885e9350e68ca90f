"""A secret shown once after a POST (Post/Redirect/Get): the POST puts it in a short-lived
encrypted cookie and redirects to a page that shows it on its first render only.

Used by the complaint receipt (complaints.receipt_page) and the rating receipt
(portal.evaluation.receipt_views). Why a cookie and not the session: citizens get no session
(a session cookie would also take their later pages out of the page cache), and nothing is
kept on the server for the page. The cookie is encrypted and authenticated (Fernet under the
field keys: the secret cannot be read from a copied cookie store), expires after `minutes`,
is HttpOnly, SameSite=Strict and scoped to the page's path. "Once" holds on a replay of the
first cookie too: the first render claims the cookie's random nonce in the shared cache
(cache.add), and every render after that, whatever cookie it carries, shows no secret.
"""

import json
import secrets
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.cache import cache

from . import crypto

NONCE = "k"


@dataclass(frozen=True)
class OnceCookie:
    name: str
    path: str
    minutes: int
    secret: str = "c"  # the key of the data that is shown once

    def _set(self, response, data: dict) -> None:
        response.set_cookie(
            self.name,
            crypto.fernet().encrypt(json.dumps(data).encode()).decode(),
            max_age=self.minutes * 60,
            path=self.path,
            httponly=True,
            samesite="Strict",
            secure=settings.SESSION_COOKIE_SECURE,
        )

    def keep(self, response, data: dict) -> None:
        """Put `data` (its secret included) on the redirect `response`."""
        self._set(response, {**data, NONCE: secrets.token_hex(16)})

    def read(self, request) -> tuple[dict, bool] | None:
        """(data, first): the secret stays in `data` only on the first render. None when there
        is no valid cookie (expired, forged, another key)."""
        raw = request.COOKIES.get(self.name, "")
        try:
            data = json.loads(crypto.fernet().decrypt(raw.encode(), ttl=self.minutes * 60))
        except (InvalidToken, ValueError, TypeError):
            return None
        if not isinstance(data, dict):
            return None
        first = bool(data.get(self.secret)) and cache.add(
            f"receipt-shown:{data.get(NONCE, '')}", 1, self.minutes * 60
        )
        return ({**data} if first else {**data, self.secret: ""}), first

    def spend(self, response, data: dict) -> None:
        """Rewrite the cookie on `response` without the secret."""
        if data.get(self.secret):
            self._set(response, {**data, self.secret: ""})
