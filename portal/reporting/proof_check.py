"""Checking an inclusion proof against a published day: pure, standard library only.

deploy/verify_transparency.py carries a copy of these functions (it must run without this
code base); tests check that both give the same answers. The proof format is described in
portal.reporting.proofs.
"""

import hashlib
import json

PROOF_FORMAT = "portal-inclusion-proof/1"


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def link_hash(prev_hash: str, payload: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(payload)).encode()).hexdigest()


def seal_hash(kind: str, record_id, values: dict) -> str:
    return hashlib.sha256(canonical({"kind": kind, "id": record_id, **values}).encode()).hexdigest()


def _published_head(document: dict, segment: dict):
    if segment["type"] == "audit":
        rows = {c["chain"]: c for c in document["chains"]}
        return rows.get(segment["chain"])
    rows = {str(r["official"]): r for r in document.get("rating_chains") or []}
    return rows.get(str(segment["chain"]))


def _segment_problem(document: dict, index: int, segment: dict) -> str | None:
    name = f"segment {index} ({segment['type']} {segment['chain']})"
    head = _published_head(document, segment)
    if head is None:
        return f"{name}: the chain is not in the published day"
    links = segment["links"]
    if not links:
        return f"{name}: no links"
    prev = segment["prev_hash"]
    first_seq = links[0]["payload"]["seq"]
    for offset, link in enumerate(links):
        payload = link["payload"]
        if payload.get("seq") != first_seq + offset:
            return f"{name}: link {offset} is out of sequence"
        prev = link_hash(prev, payload)
        if prev != link.get("hash"):
            return f"{name}: link {offset} (seq {payload['seq']}) does not hash to its hash"
    if links[-1]["payload"]["seq"] != head["length"]:
        return (
            f"{name}: ends at seq {links[-1]['payload']['seq']}, published length {head['length']}"
        )
    if prev != head["head"]:
        return f"{name}: does not lead to the published head"
    return None


def _record_problem(proof: dict) -> str | None:
    record, segments = proof["record"], proof["segments"]
    first = segments[0]["links"][0]["payload"]
    if record["kind"] == "case":
        if segments[0]["type"] != "audit" or segments[0]["chain"] != record["chain"]:
            return "the first segment is not the case's chain"
        if first.get("action") != "case.submit" or first.get("object_id") != str(record["id"]):
            return "the case chain does not start with the case's submission"
        if record.get("text_sha256") and first["after"].get("text_sha256") != record["text_sha256"]:
            return "the complaint text does not match the submitted text's hash"
    elif record["kind"] == "rating":
        if segments[0]["type"] != "ratings" or str(segments[0]["chain"]) != str(record["official"]):
            return "the first segment is not the official's rating chain"
        if first != record["payload"]:
            return "the rating does not match the first link of its chain"
    else:
        return f"unknown record kind {record['kind']!r}"
    return None


def _seal_problem(proof: dict, seal: dict) -> str | None:
    name = f"{seal['kind']} id={seal['id']}"
    try:
        link = proof["segments"][seal["segment"]]["links"][seal["link"]]
    except (IndexError, TypeError):
        return f"{name}: points at no link of the proof"
    sealed = (link["payload"].get("after") or {}).get("seal") or {}
    if sealed.get("kind") != seal["kind"] or str(sealed.get("id")) != str(seal["id"]):
        return f"{name}: the link it points at seals another record"
    if seal_hash(seal["kind"], seal["id"], seal["values"]) != sealed.get("hash"):
        return f"{name}: the record does not match its audit-chain entry"
    return None


def proof_problems(proof: dict, document: dict) -> list[str]:
    """[] when `proof` shows its record inside the published `document` (a day's JSON);
    else the first problem found. Does not check the day's own digests (check() does)."""
    try:
        if proof.get("format") != PROOF_FORMAT:
            return ["not an inclusion proof of a known format"]
        if proof["day"] != document["day"] or proof["day_digest"] != document["digest"]:
            return ["the proof is for another published day"]
        if not proof["segments"]:
            return ["the proof has no chain segment"]
        problem = _record_problem(proof)
        for index, segment in enumerate(proof["segments"]):
            problem = problem or _segment_problem(document, index, segment)
        for seal in proof.get("seals", []):
            problem = problem or _seal_problem(proof, seal)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        return [f"malformed proof: {exc!r}"]
    return [problem] if problem else []
