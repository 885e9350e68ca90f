#!/usr/bin/env python3
"""Check a downloaded /transparency/<day>.json with Python's standard library only.

    python3 verify_transparency.py 2026-12-03.json [--previous 2026-12-02.json] [--hmac-key K]

Checks: the audit and ratings digests recompute from the listed chain heads, the day digest
recomputes, and (with --previous) that it links to the previous day's digest. An HMAC-SHA256
signature is checked with --hmac-key; an Ed25519 signature cannot be checked with the standard
library (use e.g. `cryptography`), so only the digests are checked then. Exit 0: all checks
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--previous")
    parser.add_argument("--hmac-key")
    args = parser.parse_args(argv)
    try:
        with open(args.file, encoding="utf-8") as fh:
            document = json.load(fh)
        previous = None
        if args.previous:
            with open(args.previous, encoding="utf-8") as fh:
                previous = json.load(fh)
        problems, notes = check(document, previous, args.hmac_key)
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
