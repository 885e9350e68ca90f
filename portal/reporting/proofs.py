"""Inclusion proofs: from one complaint or rating to a published day's chain head.

Rules owned here: what a proof holds and which published day it is built against.

Method chosen: the chain segment, not a Merkle tree. Every record already sits in a hash chain
whose head is published each day (portal.reporting.published): a case's events in its own
audit chain "case:<id>", a rating in its official's rating chain, and a revocation, appeal or
call-back as a seal (portal.audit.seals) in the official's "rating-office:<id>" chain. So the
proof is the links from the record to the published head. Each link of a chain commits to its
payload through a content hash (portal.audit.hashing), so a link can be shown in two forms:
disclosed (the record's fields, with who acted, when, and the voter's keyed hashes as one
hash) or redacted (the content hash alone). A verifier recomputes sha256(prev || content) link
by link and must arrive at the head listed in the downloaded day, at the listed length. A
Merkle tree over each day's records would have needed a new published root bound into the day
digest and a frozen membership of each day's tree; the segment needs nothing new published.

What the proof shows: the record (as the database holds it when the proof is made) was in the
chain when the day was published, unchanged since; a raw-SQL edit of the record, of a later
link, of a revocation/appeal/call-back of the rating breaks it. What it does not show: that the
record was ever true, anything about records outside the segment, or what the redacted links
say.

Privacy (why a proof holds what it holds): a proof goes to the holder of a receipt and must
tell them nothing the tracking page does not. Only the record's own link is disclosed, and
without its private keys (staff account and name, exact time, voter and network keys, ticket);
every other link (the office's and the department's steps, with their notes and internal
fields, and other people's ratings) is a content hash. The seals of a rating's revocation,
appeal and call-back are disclosed with their sealed values (the staff account ids as one hash,
portal.audit.seals.PRIVATE_FIELDS) and their audit entries without the actor: the holder sees
the reason, the appeal's grounds and the call-back's result and note about their own rating.
The rater's public download by receipt code (proof_views.rating_proof_download) leaves those
seals out (`with_seals=False`): the texts are hashed in clear in both the seal and its audit
link, so they cannot be shown as hashes until a hashing rule that hides them exists.
A link or seal written before these rules (`link_hash_v1`, `content_hash_v1`) cannot be
redacted, so a chain holding one has no proof (ERR_LEGACY) rather than one that shows it.

Residual: a hidden part is an unsalted hash; someone who guesses every hidden field of a link
(staff id and account name, the time to the microsecond) can confirm the guess.
"""

from datetime import date

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from portal.audit.hashing import GENESIS, content_hash, link_hash, link_hash_v1, public_part
from portal.audit.models import AuditEvent, DailyHeadDigest
from portal.audit.seals import content_hash as seal_hash
from portal.audit.seals import content_hash_v1, kinds, public_values
from portal.audit.services import roundtrip

from .proof_check import PROOF_FORMAT, proof_problems
from .transparency import stored_document

ERR_NOT_YET = _("该记录尚未收录到已公布的链头（每日公布一次），请明天再下载。")
ERR_LEGACY = _("该记录所在的链含有早期格式的记录，无法在不公开他人信息的情况下出具收录证明。")


class ProofUnavailable(Exception):
    def __init__(self, message=ERR_NOT_YET):
        super().__init__(str(message))
        self.message = message


def _head(document, *, chain=None, official=None):
    if chain is not None:
        return next((c for c in document["chains"] if c["chain"] == chain), None)
    return next((r for r in document.get("rating_chains") or [] if r["official"] == official), None)


def _link(row, *, disclose: bool) -> dict:
    """A chain row as a proof shows it: its public part when disclosed, else its content hash.
    A row that hashes only under the old rule cannot be shown without its payload: no proof.
    A row that hashes under neither (edited in the database) is shown as it is now, so the
    verifier finds the break."""
    payload = roundtrip(row.payload())
    if link_hash(row.prev_hash, payload) != row.hash and (
        link_hash_v1(row.prev_hash, payload) == row.hash
    ):
        raise ProofUnavailable(ERR_LEGACY)
    if disclose:
        return {"public": public_part(payload), "hash": row.hash}
    return {"content_sha256": content_hash(payload), "hash": row.hash}


def _segment(kind: str, chain, rows, *, from_seq: int, disclosed=()) -> dict:
    return {
        "type": kind,
        "chain": chain,
        "first_seq": from_seq,
        "prev_hash": rows[0].prev_hash if rows else GENESIS,
        "links": [_link(r, disclose=r.seq in disclosed) for r in rows],
    }


def _audit_segment(chain: str, *, from_seq: int, length: int, disclosed=()) -> dict:
    events = list(
        AuditEvent.objects.filter(chain=chain, seq__gte=from_seq, seq__lte=length).order_by("seq")
    )
    return _segment("audit", chain, events, from_seq=from_seq, disclosed=disclosed)


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
        segment = _audit_segment(chain, from_seq=1, length=head["length"], disclosed={1})
        return _proof(document, record, [segment])
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
                sealed = event.after["seal"]["hash"]
                old_rule = content_hash_v1(kind, pk, values)
                if sealed != seal_hash(kind, pk, values) and sealed == old_rule:
                    raise ProofUnavailable(ERR_LEGACY)  # an old seal shows only whole
                found.append((event.seq, kind.name, pk, public_values(kind, pk, values)))
    if not found:
        return [], []
    first = min(f[0] for f in found)
    segment = _audit_segment(
        chain, from_seq=first, length=head["length"], disclosed={f[0] for f in found}
    )
    seals = [
        {
            "kind": name,
            "id": pk,
            "values": values,
            "segment": 1,
            "link": seq - first,
        }
        for seq, name, pk, values in sorted(found)
    ]
    return [segment], seals


def rating_proof(*, rating, day=None, with_seals=True) -> dict:
    """The proof of a rating: its official's rating chain from the rating to the first day
    published after it (or `day`), and its revocation, appeal and call-back seals.
    `with_seals=False` (the public download by receipt code, proof_views): the rating chain
    only. Why: a seal's link discloses its audit entry, whose `after` holds the revocation
    reason, the appeal's grounds and the call-back's note in clear, and both the link and the
    seal hash them in clear, so they cannot be shown as hashes without a new hashing rule."""
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
        segment = _segment(
            "ratings", rating.official_id, ratings, from_seq=rating.seq, disclosed={rating.seq}
        )
        record = {
            "kind": "rating",
            "id": rating.pk,
            "official": rating.official_id,
            "payload": segment["links"][0]["public"],
        }
        extra, seals = _rating_seals(rating, document) if with_seals else ([], [])
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
