"""Field encryption at rest (MultiFernet; the first key encrypts, every key decrypts) and the
one registry of encrypted fields that key rotation walks.

Why: a leaked database dump or backup must not reveal who complained or rated by name. Keys
come from settings.FIELD_ENCRYPTION_KEYS (environment). Rotation: prepend a new key, run
`manage.py rotate_contact_keys` (it re-encrypts every registered field, see rotate_all), then
drop the old key. Apps register their encrypted fields in AppConfig.ready(); a field that holds
ciphertext and is not registered would keep the old key forever, so tests/portal/core check
that every `*_enc`/`*_encrypted` field of every model is registered.

A table that refuses UPDATE (the append-only rating contacts) registers a `writer`: the one
narrow path that may replace its ciphertext, and nothing else, for a rotation.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import transaction


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
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise RuntimeError("contact data cannot be decrypted with the configured keys") from exc


# --- the registry of encrypted fields ----------------------------------------------------------

Writer = Callable[[list[tuple[int, dict[str, str]]]], None]


@dataclass(frozen=True)
class EncryptedFields:
    """The encrypted columns of one model and how re-encrypted values are written back
    (`writer(rows)` with rows = [(pk, {field: token})]; default: a plain UPDATE per row)."""

    model: type
    fields: tuple[str, ...]
    writer: Writer | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label


_REGISTRY: dict[str, EncryptedFields] = {}


def register(model, *fields: str, writer: Writer | None = None) -> None:
    """Declare `fields` of `model` as Fernet tokens (called from AppConfig.ready())."""
    if not fields:
        raise ValueError("register() needs at least one field")
    for name in fields:
        model._meta.get_field(name)  # a typo fails at start-up, not at the next rotation
    _REGISTRY[model._meta.label] = EncryptedFields(model, tuple(fields), writer)


def registered() -> tuple[EncryptedFields, ...]:
    return tuple(_REGISTRY.values())


def _plain_writer(entry: EncryptedFields) -> Writer:
    """One bulk UPDATE per chunk and set of non-empty columns, not one query per row (an empty
    token stays empty, so rows are grouped by which columns they rewrite)."""

    def write(rows):
        groups: dict[tuple[str, ...], list] = {}
        for pk, values in rows:
            groups.setdefault(tuple(sorted(values)), []).append(entry.model(pk=pk, **values))
        for fields, objs in groups.items():
            entry.model._base_manager.bulk_update(objs, list(fields))

    return write


def rotate_all(*, chunk_size: int = 500) -> dict[str, int]:
    """Re-encrypt every registered field with the newest key; returns rows per model label.

    Rows are read in primary-key order, one chunk per transaction (no cursor held open across
    writes): an interrupted rotation leaves every row readable (old and new tokens both decrypt
    while both keys are configured) and can simply be run again."""
    counts: dict[str, int] = {}
    for entry in registered():
        write = entry.writer or _plain_writer(entry)
        rows = entry.model._base_manager.order_by("pk").values_list("pk", *entry.fields)
        counts[entry.label], last = 0, None
        while True:
            page = list((rows if last is None else rows.filter(pk__gt=last))[:chunk_size])
            if not page:
                break
            last = page[-1][0]
            batch = []
            for pk, *tokens in page:
                values = {f: rotate(t) for f, t in zip(entry.fields, tokens, strict=True) if t}
                if values:
                    batch.append((pk, values))
            if batch:
                with transaction.atomic():
                    write(batch)
                counts[entry.label] += len(batch)
    return counts
