"""The day's published document: every chain head (name, length, head hash), the digests over
them and an Ed25519 signature. Rules owned here: what the document holds, how it is signed, and
how a stored day is checked against the chains in the database now (`verify_published`).

Signed bytes = canonical JSON (sorted keys, no spaces, UTF-8) of the document without its
"signature" member. The key: TRANSPARENCY_SIGNING_KEY (base64 of a 32-byte Ed25519 seed); unset,
days are published unsigned. deploy/verify_transparency.py checks a downloaded file with the
standard library only (digests and the link to the previous day, not Ed25519).
"""

import base64
import hashlib
import json
import os
from datetime import date

from django.apps import apps
from django.conf import settings

from portal.audit.hashing import GENESIS

FORMAT = "portal-transparency/1"


def canonical_bytes(document: dict) -> bytes:
    body = {k: v for k, v in document.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def audit_heads() -> list[dict]:
    from portal.audit.models import ChainHead

    rows = ChainHead.objects.order_by("chain").values_list("chain", "seq", "head_hash")
    return [{"chain": c, "length": n, "head": h} for c, n, h in rows]


def rating_heads() -> list[dict] | None:
    """None when the evaluation app is not installed (the ratings digest is then "")."""
    try:
        model = apps.get_model("evaluation", "RatingChainHead")
    except LookupError:
        return None
    rows = model.objects.order_by("pk").values_list("pk", "seq", "head_hash")
    return [{"official": pk, "length": n, "head": h} for pk, n, h in rows]


def audit_digest_of(chains: list[dict]) -> str:
    """Same value as portal.audit.registry.chain_heads_digest() (same lines, same order)."""
    h = hashlib.sha256()
    for row in chains:
        h.update(f"{row['chain']}:{row['head']}\n".encode())
    return h.hexdigest()


def ratings_digest_of(ratings: list[dict] | None) -> str:
    """Same value as transparency.rating_heads_digest()."""
    if ratings is None:
        return ""
    h = hashlib.sha256()
    for row in ratings:
        h.update(f"rating:{row['official']}:{row['head']}\n".encode())
    return h.hexdigest()


def _private_key():
    seed = getattr(settings, "TRANSPARENCY_SIGNING_KEY", "") or os.environ.get(
        "TRANSPARENCY_SIGNING_KEY", ""
    )
    if not seed:
        return None
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed))


def public_key_b64() -> str:
    from cryptography.hazmat.primitives import serialization

    key = _private_key()
    if key is None:
        return ""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def sign(document: dict) -> dict:
    key = _private_key()
    if key is None:
        return {**document, "signature": None}
    value = base64.b64encode(key.sign(canonical_bytes(document))).decode()
    return {
        **document,
        "signature": {"alg": "ed25519", "public_key": public_key_b64(), "value": value},
    }


def signature_ok(document: dict) -> bool | None:
    """True/False for a signed document, None when unsigned."""
    sig = document.get("signature")
    if not sig:
        return None
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(sig["public_key"]))
        key.verify(base64.b64decode(sig["value"]), canonical_bytes(document))
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return False
    return True


def day_digest(*, day, audit_digest: str, ratings_digest: str, prev_digest: str) -> str:
    text = (
        f"day:{day.isoformat()}\naudit:{audit_digest}\nratings:{ratings_digest}\n"
        f"prev:{prev_digest}\n"
    )
    return hashlib.sha256(text.encode()).hexdigest()


# --- checking a stored day against the database now -----------------------------------------
def _audit_prefix_problem(row: dict) -> str | None:
    from portal.audit.hashing import first_break
    from portal.audit.models import AuditEvent
    from portal.audit.services import roundtrip

    events = list(
        AuditEvent.objects.filter(chain=row["chain"], seq__lte=row["length"]).order_by("seq")
    )
    name = f"audit chain {row['chain']}"
    if len(events) != row["length"]:
        return f"{name}: {len(events)} events now, {row['length']} published (removed)"
    broken = first_break((e.pk, e.prev_hash, roundtrip(e.payload()), e.hash) for e in events)
    if broken:
        return f"{name}: event id={broken[0]} {broken[1]}"
    if (events[-1].hash if events else GENESIS) != row["head"]:
        return f"{name}: head at length {row['length']} differs from the published head"
    return None


def _rating_prefix_problem(row: dict) -> str | None:
    from portal.audit.hashing import first_break
    from portal.audit.services import roundtrip

    model = apps.get_model("evaluation", "Rating")
    ratings = list(
        model.objects.filter(official_id=row["official"], seq__lte=row["length"]).order_by("seq")
    )
    name = f"ratings of official {row['official']}"
    if len(ratings) != row["length"]:
        return f"{name}: {len(ratings)} ratings now, {row['length']} published (removed)"
    broken = first_break((r.pk, r.prev_hash, roundtrip(r.payload()), r.hash) for r in ratings)
    if broken:
        return f"{name}: rating id={broken[0]} {broken[1]}"
    if (ratings[-1].hash if ratings else GENESIS) != row["head"]:
        return f"{name}: head at length {row['length']} differs from the published head"
    return None


def verify_document(document: dict) -> list[str]:
    """First mismatch first: digests recompute, signature, each published head is still the
    head of a prefix of its chain, and the sealed records still match their chain entries."""
    from portal.audit.models import DailyHeadDigest
    from portal.audit.seals import verify_seals

    day = date.fromisoformat(document["day"])
    chains, ratings = document["chains"], document.get("rating_chains")
    if audit_digest_of(chains) != document["audit_digest"]:
        return ["audit digest does not recompute from the listed heads"]
    if ratings_digest_of(ratings) != document["ratings_digest"]:
        return ["ratings digest does not recompute from the listed heads"]
    digest = day_digest(
        day=day,
        audit_digest=document["audit_digest"],
        ratings_digest=document["ratings_digest"],
        prev_digest=document["prev_digest"],
    )
    if digest != document["digest"]:
        return ["day digest does not recompute"]
    if signature_ok(document) is False:
        return ["signature does not verify"]
    row = DailyHeadDigest.objects.filter(day=day).first()
    if row is None or row.digest != document["digest"]:
        return ["the stored daily digest differs from the document"]
    for head in chains:
        problem = _audit_prefix_problem(head)
        if problem:
            return [problem]
    for head in ratings or []:
        problem = _rating_prefix_problem(head)
        if problem:
            return [problem]
    return verify_seals()[:1]
