"""The rating receipt: a code that lets the rater fetch their rating's inclusion proof
(issue 22), derived from the rating, never stored.

Rules owned here: code = "<rating id>-<tag>", tag = the first 80 bits, in lower-case base32,
of an HMAC-SHA256 of the id under a key derived from SECRET_KEY with its own salt
(salted_hmac). Nothing new is stored with the rating, and nothing links two of a person's
ratings: each code is a function of its own rating id only, so two codes share nothing but
the fact that both are rating ids (which the published chain shows anyway). A wrong tag and
an unknown id open to the same None (compared in constant time), so a guessed code tells
nothing; 80 bits cannot be guessed under the route's rate limit.

Residual: anyone holding SECRET_KEY can make every code (as they can forge every signed
cookie); rotating SECRET_KEY voids every code already handed out.
"""

import base64
import re

from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "portal.evaluation.rating-receipt"
TAG_BYTES = 10  # 80 bits, 16 base32 characters
CODE_RE = re.compile(r"^([1-9][0-9]{0,18})-([a-z2-7]{16})$")


def _tag(rating_id: int) -> str:
    digest = salted_hmac(SALT, str(int(rating_id)), algorithm="sha256").digest()
    return base64.b32encode(digest[:TAG_BYTES]).decode().lower()


def rating_code(rating_id: int) -> str:
    """The receipt code of the rating `rating_id` (shown once to the rater)."""
    return f"{int(rating_id)}-{_tag(rating_id)}"


def rating_code_open(code: str) -> int | None:
    """The rating id a code stands for, or None for a malformed code or a wrong tag."""
    match = CODE_RE.match((code or "").strip().lower())
    if match is None:
        return None
    rating_id = int(match.group(1))
    if not constant_time_compare(match.group(2), _tag(rating_id)):
        return None
    return rating_id
