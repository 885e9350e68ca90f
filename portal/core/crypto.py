"""Encryption of complainants' contact data at rest (MultiFernet; first key encrypts).

Why: a leaked database dump or backup must not reveal who complained. Keys come from
settings.FIELD_ENCRYPTION_KEYS (environment); rotation = prepend a new key, run
`manage.py rotate_contact_keys`, then drop the old key.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise RuntimeError("FIELD_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    if not value:
        return ""
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise RuntimeError("contact data cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt one token with the first (newest) key."""
    if not token:
        return ""
    return fernet().rotate(token.encode()).decode()
