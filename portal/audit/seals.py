"""Seals: records that change a public or office figure (revocations, appeals, call-backs,
violations, warnings and their handling, rule settings) are committed to an audit chain.

Each write service appends its audit event with `after["seal"] = record_seal(obj)`: the kind,
the id and a SHA-256 of the record's figure-relevant fields as the database holds them. The
record's latest seal is what it must still hash to, so `verify_seals` (run by verify_audit)
finds a row inserted without an entry, a sealed field changed, and a sealed row deleted. The
entry itself is an audit event: changing or removing it breaks its chain, whose head is in the
daily published digest.

Apps register their kinds in `AppConfig.ready()` (`seal_register`); this module knows none.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from .hashing import PRIVATE_DIGEST, canonical, public_part

SEAL_KEY = "seal"


@dataclass(frozen=True)
class SealedKind:
    name: str  # "revocation": how verify_audit names a broken record
    model: type
    fields: tuple[str, ...]  # attnames (rating_id, not rating)
    # a row that needs no seal (e.g. a settings row still holding its defaults: it changes
    # nothing a missing row would not); values dict -> bool
    unsealed_ok: object = None


kinds: dict[str, SealedKind] = {}


def seal_register(name: str, model, *, fields, unsealed_ok=None) -> None:
    kinds[name] = SealedKind(name, model, tuple(fields), unsealed_ok)


def _kind_for(model) -> SealedKind:
    for kind in kinds.values():
        if kind.model is model:
            return kind
    raise LookupError(f"{model._meta.label} is not a sealed kind")


def value_normalise(value):
    """A value as it enters a content hash: datetimes in UTC ISO form, dates in ISO form."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


# why: a rating's inclusion proof shows its revocation, appeal and call-back by their sealed
# values; which staff account acted stands there as one hash
PRIVATE_FIELDS = ("actor_id", "decided_by_id", "recorded_by_id")


def seal_payload(kind: SealedKind, pk, values: dict) -> dict:
    return {"kind": kind.name, "id": pk, **{f: value_normalise(values[f]) for f in kind.fields}}


def public_values(kind: SealedKind, pk, values: dict) -> dict:
    """The sealed values a proof shows: the private ones as one hash (hashing.public_part);
    {"kind": name, "id": pk, **these} is what content_hash hashes."""
    public = _public_payload(kind, pk, values)
    return {k: v for k, v in public.items() if k in kind.fields or k == PRIVATE_DIGEST}


def _public_payload(kind: SealedKind, pk, values: dict) -> dict:
    as_read_back = json.loads(canonical(seal_payload(kind, pk, values)))
    return public_part(as_read_back, PRIVATE_FIELDS)


def content_hash(kind: SealedKind, pk, values: dict) -> str:
    """sha256 of the seal's public part (so a proof can show it without the private fields)."""
    return hashlib.sha256(canonical(_public_payload(kind, pk, values)).encode()).hexdigest()


def content_hash_v1(kind: SealedKind, pk, values: dict) -> str:
    """The rule of seals written before public parts: sha256 of the whole canonical record."""
    return hashlib.sha256(canonical(seal_payload(kind, pk, values)).encode()).hexdigest()


def record_seal(obj, *, fresh: bool = False) -> dict:
    """The seal of `obj` as stored now: read back from the database, so the hash is of what
    the verifier will read; `fresh=True` hashes the instance as it is, for one just created
    from plain values (no extra query). Call after saving, inside the same transaction."""
    kind = _kind_for(type(obj))
    if fresh:
        values = {f: getattr(obj, f) for f in kind.fields}
    else:
        values = kind.model._base_manager.filter(pk=obj.pk).values(*kind.fields).get()
    return {"kind": kind.name, "id": obj.pk, "hash": content_hash(kind, obj.pk, values)}


def latest_seals() -> dict[tuple[str, str], str]:
    """{(kind, id as text): hash} of each record's latest seal, in append order."""
    from .models import AuditEvent

    latest = {}
    rows = AuditEvent.objects.filter(after__has_key=SEAL_KEY).order_by("pk").values_list("after")
    for (after,) in rows.iterator(chunk_size=2000):
        seal = after.get(SEAL_KEY)
        if isinstance(seal, dict) and {"kind", "id", "hash"} <= seal.keys():
            latest[(str(seal["kind"]), str(seal["id"]))] = seal["hash"]
    return latest


def verify_seals() -> list[str]:
    """One problem per kind with a broken record, naming the first (lowest id) of them."""
    latest = latest_seals()
    problems = []
    for kind in kinds.values():
        broken = {}
        seen = set()
        rows = kind.model._base_manager.order_by("pk").values("pk", *kind.fields)
        for values in rows.iterator(chunk_size=2000):
            pk = values["pk"]
            seen.add(str(pk))
            sealed = latest.get((kind.name, str(pk)))
            if sealed is None:
                if not (kind.unsealed_ok and kind.unsealed_ok(values)):
                    broken[pk] = "has no audit-chain entry (written outside the services)"
            elif sealed not in (content_hash(kind, pk, values), content_hash_v1(kind, pk, values)):
                broken[pk] = "content does not match its audit-chain entry (changed)"
        for seal_kind, pk in latest:
            if seal_kind == kind.name and pk not in seen:
                broken[int(pk) if pk.isdigit() else pk] = "is in the audit chain but was removed"
        if broken:
            first = min(broken, key=lambda k: (not isinstance(k, int), k))
            more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
            problems.append(f"sealed records: {kind.name} id={first} {broken[first]}{more}")
    return problems
