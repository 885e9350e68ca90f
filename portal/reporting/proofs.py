"""Inclusion proofs: from one complaint or rating to a published day's chain head.

Rules owned here: what a proof holds and which published day it is built against.

Method chosen: the chain segment, not a Merkle tree. Every record already sits in a hash chain
whose head is published each day (portal.reporting.published): a case's events in its own
audit chain "case:<id>", a rating in its official's rating chain, and a revocation, appeal or
call-back as a seal (portal.audit.seals) in the official's "rating-office:<id>" chain. So the
proof is the links from the record to the published head: each link's payload as it is in the
database *now* and its hash. A verifier recomputes sha256(prev || canonical(payload)) link by
link and must arrive at the head listed in the downloaded day, at the listed length. A Merkle
tree over each day's records would have needed a new published root bound into the day digest
and a frozen membership of each day's tree (a record committed a moment after the cut would
break every proof of that day); the segment needs nothing new published.

What the proof shows: the record (as the database holds it when the proof is made) was in the
chain when the day was published, unchanged since; a raw-SQL edit of the record, of a later
link, of a revocation/appeal/call-back of the rating breaks it. What it does not show: that the
record was ever true, or anything about records outside the segment.

Privacy (why the segments are as short as they are): a rating's segment runs to the *first*
day published after it, so it carries only the later ratings of the same official up to that
day (their keyed voter/network hashes and reasons, never an address or phone); a case's segment
is the case's own chain (its events, including staff account names), given only to the
holder of its receipt.
"""

from datetime import date

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from portal.audit.hashing import GENESIS
from portal.audit.models import AuditEvent, DailyHeadDigest
from portal.audit.seals import kinds, value_normalise
from portal.audit.services import roundtrip

from .proof_check import PROOF_FORMAT, proof_problems
from .transparency import stored_document

ERR_NOT_YET = _("该记录尚未收录到已公布的链头（每日公布一次），请明天再下载。")


class ProofUnavailable(Exception):
    def __init__(self, message=ERR_NOT_YET):
        super().__init__(str(message))
        self.message = message


def _head(document, *, chain=None, official=None):
    if chain is not None:
        return next((c for c in document["chains"] if c["chain"] == chain), None)
    return next((r for r in document.get("rating_chains") or [] if r["official"] == official), None)


def _audit_segment(chain: str, *, from_seq: int, length: int) -> dict:
    events = list(
        AuditEvent.objects.filter(chain=chain, seq__gte=from_seq, seq__lte=length).order_by("seq")
    )
    return {
        "type": "audit",
        "chain": chain,
        "prev_hash": events[0].prev_hash if events else GENESIS,
        "links": [{"payload": roundtrip(e.payload()), "hash": e.hash} for e in events],
    }


def _proof(document, record, segments, seals=()) -> dict:
    return {
        "format": PROOF_FORMAT,
        "day": document["day"],
        "day_digest": document["digest"],
        "day_file": f"{document['day']}.json",
        "record": record,
        "segments": segments,
        "seals": list(seals),
    }


def _documents_from(day=None, *, earliest_after=None):
    """Stored day documents to try: the given day; else the latest (cases) or each day
    published after `earliest_after`, oldest first (ratings)."""
    rows = DailyHeadDigest.objects.order_by("-day")
    if day is not None:
        rows = rows.filter(day=day)
    elif earliest_after is not None:
        rows = rows.filter(created_at__gte=earliest_after).order_by("day")
    else:
        rows = rows[:1]
    for row in rows.iterator():
        document = stored_document(row.day)
        if document is not None:
            yield document


def case_proof(*, case, day=None) -> dict:
    """The proof of a case (its receipt holder's download): the case's whole chain up to the
    latest published day (or `day`)."""
    chain = case.audit_chain
    for document in _documents_from(day):
        head = _head(document, chain=chain)
        if head is None:
            break
        record = {
            "kind": "case",
            "id": case.pk,
            "number": case.number,
            "chain": chain,
            "text_sha256": case.text_sha256,
        }
        return _proof(document, record, [_audit_segment(chain, from_seq=1, length=head["length"])])
    raise ProofUnavailable


def _rating_seals(rating, document):
    """(segments, seals) for each sealed record of the rating, in the office chain."""
    chain = f"rating-office:{rating.official_id}"
    head = _head(document, chain=chain)
    found = []
    for kind in kinds.values():
        if "rating_id" not in kind.fields:
            continue
        for values in kind.model._base_manager.filter(rating_id=rating.pk).values(
            "pk", *kind.fields
        ):
            pk = values.pop("pk")
            event = (
                AuditEvent.objects.filter(
                    chain=chain, after__seal__kind=kind.name, after__seal__id=pk
                )
                .filter(seq__lte=head["length"] if head else 0)
                .order_by("-seq")
                .first()
            )
            if event is not None:
                found.append((event.seq, kind.name, pk, values))
    if not found:
        return [], []
    segment = _audit_segment(chain, from_seq=min(f[0] for f in found), length=head["length"])
    first = segment["links"][0]["payload"]["seq"]
    seals = [
        {
            "kind": name,
            "id": pk,
            "values": roundtrip({f: value_normalise(v) for f, v in values.items()}),
            "segment": 1,
            "link": seq - first,
        }
        for seq, name, pk, values in sorted(found)
    ]
    return [segment], seals


def rating_proof(*, rating, day=None) -> dict:
    """The proof of a rating: its official's rating chain from the rating to the first day
    published after it (or `day`), and its revocation, appeal and call-back seals."""
    # read again: the caller's copy may predate the sealer (portal/evaluation/sealing.py)
    rating = apps.get_model("evaluation", "Rating").objects.get(pk=rating.pk)
    if rating.seq is None:
        raise ProofUnavailable  # not chained yet, so in no published head
    for document in _documents_from(day, earliest_after=None if day else rating.created_at):
        head = _head(document, official=rating.official_id)
        if head is None or head["length"] < rating.seq:
            continue
        ratings = list(
            apps.get_model("evaluation", "Rating")
            .objects.filter(
                official_id=rating.official_id, seq__gte=rating.seq, seq__lte=head["length"]
            )
            .order_by("seq")
        )
        segment = {
            "type": "ratings",
            "chain": rating.official_id,
            "prev_hash": rating.prev_hash,
            "links": [{"payload": roundtrip(r.payload()), "hash": r.hash} for r in ratings],
        }
        record = {
            "kind": "rating",
            "id": rating.pk,
            "official": rating.official_id,
            "payload": segment["links"][0]["payload"] if ratings else {},
        }
        extra, seals = _rating_seals(rating, document)
        return _proof(document, record, [segment, *extra], seals)
    raise ProofUnavailable


def proof_verify(*, proof: dict) -> list[str]:
    """Check a proof against the day stored here (manage.py verify_published DATE --proof)."""
    try:
        document = stored_document(date.fromisoformat(proof["day"]))
    except (KeyError, TypeError, ValueError):
        document = None
    if document is None:
        return ["the proof's day was never published here"]
    return proof_problems(proof, document)
