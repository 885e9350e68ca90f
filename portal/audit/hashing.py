"""Pure hash-chain rules: canonical JSON and SHA-256 links. No database here.

A link commits to its payload through a content hash, so that an inclusion proof
(portal.reporting.proofs) can show a link without showing what it records:

    private_sha256 = sha256(canonical({k: payload[k] for k in PRIVATE_KEYS}))
    content        = sha256(canonical({other keys of payload..., "private_sha256": ...}))
    hash_n         = sha256(hash_{n-1} || content_n)

A proof gives a link either as its public keys and private_sha256 (the holder's own record:
who acted, when to the microsecond and the voter's keyed hashes stay hidden) or as its content
hash alone (every other record). Links written before this rule hashed the canonical payload
itself (`link_hash_v1`); verifiers accept both, and such a link cannot be redacted.
"""

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


# why: staff identities and the voter's keyed hashes are never shown in a proof; created_at
# (to the microsecond) keeps a guessed staff account from being confirmed against the hash
PRIVATE_KEYS = ("actor", "actor_label", "created_at", "voter_key", "network_key", "ticket")
PRIVATE_DIGEST = "private_sha256"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def public_part(payload: dict, private_keys=PRIVATE_KEYS) -> dict:
    """The payload without its private keys, plus the hash of those (see module docstring)."""
    public = {k: v for k, v in payload.items() if k not in private_keys}
    private = {k: payload[k] for k in private_keys if k in payload}
    return {**public, PRIVATE_DIGEST: sha256_hex(canonical(private))}


def content_hash(payload: dict) -> str:
    return sha256_hex(canonical(public_part(payload)))


def link_hash(prev_hash: str, payload: dict) -> str:
    """hash_n = sha256(hash_{n-1} || content_hash(payload_n))."""
    return sha256_hex(prev_hash + content_hash(payload))


def link_hash_v1(prev_hash: str, payload: dict) -> str:
    """The rule of links written before content hashes: sha256(hash_{n-1} || canonical)."""
    return sha256_hex(prev_hash + canonical(payload))


def link_holds(prev_hash: str, payload: dict, stored_hash: str) -> bool:
    return stored_hash in (link_hash(prev_hash, payload), link_hash_v1(prev_hash, payload))


def first_break(links):
    """Walk (record_id, prev_hash, payload, stored_hash) in chain order.

    Returns None when every link holds, else (record_id, reason) of the first broken one.
    """
    expected_prev = GENESIS
    for record_id, prev_hash, payload, stored_hash in links:
        if prev_hash != expected_prev:
            return record_id, "previous-hash mismatch"
        if not link_holds(prev_hash, payload, stored_hash):
            return record_id, "content does not match its hash"
        expected_prev = stored_hash
    return None
