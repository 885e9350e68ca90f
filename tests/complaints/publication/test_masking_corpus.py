"""The masking engine measured on a labelled corpus (corpus/masking.jsonl, written for this:
no real people). Each entry lists the secrets that must vanish and the trap words that must
stay exactly as written. Recall: share of secrets no longer visible in the masked text, as
typed or normalised (NFKC, separators between digits removed). Damage: share of trap words
altered. Both are printed and must be 100 % and 0; and no masked span may lie outside the
secrets of its sentence (over-masking that no trap word happens to catch)."""

import json
import re
import unicodedata
from pathlib import Path

import pytest

from complaints.publication.masking import mask_explained, mask_text

CORPUS = Path(__file__).parent / "corpus" / "masking.jsonl"
_DIGIT_SEPARATORS = re.compile(r"(?<=\d)[\s\-()]+(?=\d)")


def load_corpus() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def normalised(text: str) -> str:
    return _DIGIT_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).lower()


def visible(secret: str, masked: str) -> bool:
    return secret in masked or normalised(secret) in normalised(masked)


def measure(mask, entries) -> tuple[float, float, list[str]]:
    """(recall, damage, failures) of `mask(text, private_names=, keep_names=)`."""
    secrets = leaked = traps = damaged = 0
    failures = []
    for entry in entries:
        masked = mask(
            entry["text"], private_names=entry["private_names"], keep_names=entry["keep_names"]
        )
        for secret in entry["secrets"]:
            secrets += 1
            if visible(secret, masked):
                leaked += 1
                failures.append(f"{entry['id']} leaked {secret!r}: {masked}")
        for trap in entry["traps"]:
            traps += 1
            if trap not in masked:
                damaged += 1
                failures.append(f"{entry['id']} damaged {trap!r}: {masked}")
    return 1 - leaked / max(secrets, 1), damaged / max(traps, 1), failures


def test_the_corpus_is_big_and_balanced():
    entries = load_corpus()
    with_secrets = [e for e in entries if e["secrets"]]
    with_traps = [e for e in entries if e["traps"] and not e["secrets"]]
    assert len(entries) >= 300
    assert len(with_secrets) >= 150 and len(with_traps) >= 150
    for entry in entries:
        for word in entry["secrets"] + entry["traps"]:
            assert word in entry["text"], entry["id"]


def test_recall_is_complete_and_nothing_is_damaged(capsys):
    recall, damage, failures = measure(mask_text, load_corpus())
    with capsys.disabled():
        print(f"\nmasking corpus: recall {recall:.1%}, damage {damage:.1%}")
    assert failures == []
    assert recall == pytest.approx(1.0) and damage == 0


def test_masking_is_idempotent_on_the_corpus():
    for entry in load_corpus():
        once = mask_text(entry["text"], private_names=entry["private_names"])
        assert mask_text(once, private_names=entry["private_names"]) == once, entry["id"]


def test_every_masked_span_covers_a_secret():
    stray = []
    for entry in load_corpus():
        text = entry["text"]
        result = mask_explained(
            text, private_names=entry["private_names"], keep_names=entry["keep_names"]
        )
        secrets = [(text.find(s), text.find(s) + len(s)) for s in entry["secrets"]]
        for span in result.spans:
            if not any(span.start < end and start < span.end for start, end in secrets):
                stray.append(f"{entry['id']} {span.rule} {span.original!r}: {text}")
    assert stray == []
