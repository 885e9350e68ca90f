#!/usr/bin/env python3
"""Check a downloaded /transparency/<day>.json with Python's standard library only.

    python3 verify_transparency.py 2026-12-03.json [--previous 2026-12-02.json] [--hmac-key K]
    python3 verify_transparency.py 2026-12-03.json --proof proof-TS2026....json

Checks: the audit and ratings digests recompute from the listed chain heads, the day digest
recomputes, and (with --previous) that it links to the previous day's digest. An HMAC-SHA256
signature is checked with --hmac-key; an Ed25519 signature cannot be checked with the standard
library (use e.g. `cryptography`), so only the digests are checked then.

--proof checks a receipt's inclusion proof (the tracking page's "下载收录证明", the day it names
in "day_file"): each link of each chain segment is recomputed, sha256(previous hash ||
canonical JSON of the payload), and must arrive at the head this day lists for that chain at
its listed length; a revocation, appeal or call-back of a rating must hash to the seal in its
link. The proof functions are a copy of portal/reporting/proof_check.py. Exit 0: all checks
passed; 1: the first mismatch is printed.
"""

import argparse
import base64
import hashlib
import hmac
import json
import sys


def canonical_bytes(document):
    body = {k: v for k, v in document.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def lines_digest(lines):
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode())
    return h.hexdigest()


def check(document, previous=None, hmac_key=None):
    """Returns (problems, notes)."""
    notes = []
    chains = document["chains"]
    if lines_digest(f"{c['chain']}:{c['head']}\n" for c in chains) != document["audit_digest"]:
        return ["audit digest does not recompute from the listed heads"], notes
    ratings = document.get("rating_chains")
    expected = (
        ""
        if ratings is None
        else lines_digest(f"rating:{r['official']}:{r['head']}\n" for r in ratings)
    )
    if expected != document["ratings_digest"]:
        return ["ratings digest does not recompute from the listed heads"], notes
    text = (
        f"day:{document['day']}\naudit:{document['audit_digest']}\n"
        f"ratings:{document['ratings_digest']}\nprev:{document['prev_digest']}\n"
    )
    if hashlib.sha256(text.encode()).hexdigest() != document["digest"]:
        return ["day digest does not recompute"], notes
    if previous is not None:
        if previous.get("digest") != document["prev_digest"]:
            return ["does not link to the previous day's digest"], notes
        if previous.get("day", "") >= document["day"]:
            return ["the previous file is not from an earlier day"], notes
    sig = document.get("signature")
    if not sig:
        notes.append("unsigned: digests checked")
    elif sig.get("alg") == "hmac-sha256":
        if hmac_key is None:
            notes.append("HMAC signature not checked (no --hmac-key)")
        else:
            mac = hmac.new(hmac_key.encode(), canonical_bytes(document), hashlib.sha256)
            if not hmac.compare_digest(base64.b64encode(mac.digest()).decode(), sig["value"]):
                return ["HMAC signature does not verify"], notes
    else:
        notes.append(
            f"{sig.get('alg')} signature: the standard library cannot check it; digests checked"
        )
    return [], notes


# --- inclusion proofs (copy of portal/reporting/proof_check.py) ------------------------------
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--previous")
    parser.add_argument("--hmac-key")
    parser.add_argument("--proof", help="a receipt's inclusion proof for this day")
    args = parser.parse_args(argv)
    try:
        with open(args.file, encoding="utf-8") as fh:
            document = json.load(fh)
        previous = None
        if args.previous:
            with open(args.previous, encoding="utf-8") as fh:
                previous = json.load(fh)
        problems, notes = check(document, previous, args.hmac_key)
        if args.proof and not problems:
            with open(args.proof, encoding="utf-8") as fh:
                problems = proof_problems(json.load(fh), document)
            if not problems:
                notes.append("the inclusion proof leads to this day's published head")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        print(f"FAIL: unreadable document: {exc!r}")
        return 1
    for note in notes:
        print(f"note: {note}")
    if problems:
        print(f"FAIL: {problems[0]}")
        return 1
    print(f"OK: {document['day']} {document['digest']} ({len(document['chains'])} chains)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
