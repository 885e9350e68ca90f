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
the link's content hash), and must arrive at the head this day lists for that chain at
its listed length; a revocation, appeal or call-back of a rating must hash to the seal in its
link. A proof shows the holder's own record without who handled it (staff accounts, times and
keyed voter hashes stand as one hash) and every other record as its content hash only. The
server's `manage.py verify_published --proof` runs these same functions. Exit 0: all checks
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


# --- inclusion proofs (the one implementation: portal/reporting/proof_check.py loads these) ---
# A link of a chain segment is shown either disclosed, {"public": {...}, "hash": h}: the record's
# fields except the private ones, which stand as one hash "private_sha256", or redacted,
# {"content_sha256": c, "hash": h}: another person's record, or a staff step of the case, as its
# content hash only. Either way the verifier knows the link's content hash c and recomputes
# hash = sha256(previous hash || c) up to the published head (portal/audit/hashing.py).
PROOF_FORMAT = "portal-inclusion-proof/2"
GENESIS = "0" * 64
PRIVATE_KEYS = ("actor", "actor_label", "created_at", "voter_key", "network_key", "ticket")
PRIVATE_DIGEST = "private_sha256"
HEX = frozenset("0123456789abcdef")


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def is_digest(value) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= HEX


def link_content(link: dict) -> str:
    """The content hash of a shown link; ValueError when it is neither form."""
    if "public" in link:
        public = link["public"]
        if any(key in public for key in PRIVATE_KEYS) or not is_digest(public.get(PRIVATE_DIGEST)):
            raise ValueError("a disclosed link must hide its private fields behind their hash")
        return sha256_hex(canonical(public))
    if is_digest(link.get("content_sha256")):
        return link["content_sha256"]
    raise ValueError("a link is neither disclosed nor a content hash")


def link_hash(prev_hash: str, link: dict) -> str:
    return sha256_hex(prev_hash + link_content(link))


def seal_hash(kind: str, record_id, values: dict) -> str:
    return sha256_hex(canonical({"kind": kind, "id": record_id, **values}))


def published_head(document: dict, segment: dict):
    if segment["type"] == "audit":
        rows = {c["chain"]: c for c in document["chains"]}
        return rows.get(segment["chain"])
    rows = {str(r["official"]): r for r in document.get("rating_chains") or []}
    return rows.get(str(segment["chain"]))


def segment_problem(document: dict, index: int, segment: dict) -> str | None:
    name = f"segment {index} ({segment['type']} {segment['chain']})"
    head = published_head(document, segment)
    if head is None:
        return f"{name}: the chain is not in the published day"
    links, first_seq = segment["links"], segment["first_seq"]
    if not links:
        return f"{name}: no links"
    prev = segment["prev_hash"]
    for offset, link in enumerate(links):
        seq = first_seq + offset
        if "public" in link and link["public"].get("seq") != seq:
            return f"{name}: link {offset} is out of sequence"
        prev = link_hash(prev, link)
        if prev != link.get("hash"):
            return f"{name}: link {offset} (seq {seq}) does not hash to its hash"
    last = first_seq + len(links) - 1
    if last != head["length"]:
        return f"{name}: ends at seq {last}, published length {head['length']}"
    if prev != head["head"]:
        return f"{name}: does not lead to the published head"
    return None


def record_problem(proof: dict) -> str | None:
    record, segment = proof["record"], proof["segments"][0]
    first = segment["links"][0].get("public")
    if first is None:
        return "the record's own link is not disclosed"
    if record["kind"] == "case":
        if segment["type"] != "audit" or segment["chain"] != record["chain"]:
            return "the first segment is not the case's chain"
        if segment["first_seq"] != 1 or segment["prev_hash"] != GENESIS:
            return "the case chain does not start at its beginning"
        if first.get("action") != "case.submit" or first.get("object_id") != str(record["id"]):
            return "the case chain does not start with the case's submission"
        if record.get("text_sha256") and first["after"].get("text_sha256") != record["text_sha256"]:
            return "the complaint text does not match the submitted text's hash"
    elif record["kind"] == "rating":
        if segment["type"] != "ratings" or str(segment["chain"]) != str(record["official"]):
            return "the first segment is not the official's rating chain"
        if first != record["payload"]:
            return "the rating does not match the first link of its chain"
    else:
        return f"unknown record kind {record['kind']!r}"
    return None


def seal_problem(proof: dict, seal: dict) -> str | None:
    name = f"{seal['kind']} id={seal['id']}"
    try:
        link = proof["segments"][seal["segment"]]["links"][seal["link"]]
    except (IndexError, TypeError):
        return f"{name}: points at no link of the proof"
    sealed = ((link.get("public") or {}).get("after") or {}).get("seal") or {}
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
        problem = record_problem(proof)
        for index, segment in enumerate(proof["segments"]):
            problem = problem or segment_problem(document, index, segment)
        for seal in proof.get("seals", []):
            problem = problem or seal_problem(proof, seal)
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
