"""Pure hash-chain rules: canonical JSON and SHA-256 links. No database here."""

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

GENESIS = "0" * 64


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def canonical(payload: dict) -> str:
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default
    )


def link_hash(prev_hash: str, payload: dict) -> str:
    """hash_n = sha256(hash_{n-1} || canonical(payload_n))."""
    return hashlib.sha256((prev_hash + canonical(payload)).encode()).hexdigest()


def first_break(links):
    """Walk (record_id, prev_hash, payload, stored_hash) in chain order.

    Returns None when every link holds, else (record_id, reason) of the first broken one.
    """
    expected_prev = GENESIS
    for record_id, prev_hash, payload, stored_hash in links:
        if prev_hash != expected_prev:
            return record_id, "previous-hash mismatch"
        if link_hash(prev_hash, payload) != stored_hash:
            return record_id, "content does not match its hash"
        expected_prev = stored_hash
    return None
