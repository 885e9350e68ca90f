"""Masking benchmark: sentences per second over the labelled corpus, beside plain regex.

    .venv/bin/python bench/bench_masking.py             # 20 passes over the corpus
    .venv/bin/python bench/bench_masking.py --passes 5  # a shorter run

No database. It loads tests/complaints/publication/corpus/masking.jsonl, warms jieba up (the
dictionary is loaded once per process, not per sentence), then times in the same run:
  mask_text  complaints.publication.masking.mask_text(): normalisation, every number rule with
             its checksum, addresses, names by context and jieba, spans cut from the original
  regex      three plain re.sub() passes (mobile, 18-digit ID, e-mail) over the same sentences:
             the floor, what a masking without normalisation, checksums or names would cost
and prints each with sentences/s and the ratio. No goal is asserted; it is a yardstick.
"""

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "tests" / "complaints" / "publication" / "corpus" / "masking.jsonl"
PLAIN = (
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "〔手机号〕"),
    (re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"), "〔身份证号〕"),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+"), "〔邮箱〕"),
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=20)
    return parser.parse_args()


def plain_regex(text: str) -> str:
    for pattern, label in PLAIN:
        text = pattern.sub(label, text)
    return text


def timed(label: str, passes: int, entries, mask) -> float:
    start = time.perf_counter()
    for _ in range(passes):
        for entry in entries:
            mask(entry)
    seconds = time.perf_counter() - start
    rate = passes * len(entries) / seconds
    print(f"{label:<10} {passes * len(entries):>8} sentences {seconds:8.2f} s {rate:>10,.0f} /s")
    return rate


def main():
    args = parse_args()
    from complaints.publication.masking import mask_text

    entries = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]

    def engine(entry):
        return mask_text(
            entry["text"], private_names=entry["private_names"], keep_names=entry["keep_names"]
        )

    started = time.perf_counter()
    engine(entries[0])
    print(f"warm-up (jieba dictionary) {time.perf_counter() - started:.2f} s")
    full = timed("mask_text", args.passes, entries, engine)
    floor = timed("regex", args.passes, entries, lambda entry: plain_regex(entry["text"]))
    print(f"mask_text runs at 1/{floor / full:.0f} of the plain regex speed")


if __name__ == "__main__":
    main()
