"""Mainland mobile numbers: the one normalisation and validation every form and service uses
(complaint contact and receipt recovery, rating phone and SMS codes, staff mobiles).

Pure functions, no database. Only ASCII digits count after NFKC: full-width digits from a
Chinese input method (１３８) are the digits meant, while digits of other scripts (٨, ৮) are
refused, so they never reach an SMS provider, a stored contact or a keyed hash.
"""

import re
import unicodedata

# what people type between digit groups: spaces, hyphens, dots, brackets (full-width ones are
# ASCII after NFKC)
_SEPARATORS = re.compile(r"[\s\-.()]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")  # [0-9], not \d: \d matches any script's digits


def phone_normalise(value) -> str:
    """`value` as typed, without separators and without the +86 / 86 / 0086 country prefix
    (only in front of 11 digits). Not validated: a wrong number stays wrong."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(value or "")))
    for prefix in ("+86", "0086", "86"):
        if text.startswith(prefix) and len(text) == len(prefix) + 11:
            return text[len(prefix) :]
    return text


def mobile_or_none(value) -> str | None:
    """The 11 ASCII digits of a mainland mobile number (1[3-9] + 9 digits), or None."""
    text = phone_normalise(value)
    return text if text.isascii() and _MOBILE.fullmatch(text) else None


def is_mobile(value) -> bool:
    return mobile_or_none(value) is not None
