"""Normalised text with a map back to the original: rules match the normalised form, masks
are cut from the original, so the published text keeps the writer's characters elsewhere."""

import unicodedata
from dataclasses import dataclass

# dashes NFKC leaves alone, written between digit groups of phone and card numbers
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−﹣－"})


@dataclass(frozen=True)
class Normalised:
    text: str  # NFKC (full-width digits and letters are ASCII, U+3000 is a space), dashes "-"
    origin: tuple[int, ...]  # origin[i]: index in the original of normalised character i
    original: str

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) covering normalised [start, end)."""
        first = self.origin[start]
        last = self.origin[end - 1]
        # an original character NFKC expands (㈠ → (一)) is masked whole
        return first, last + 1


def normalise(text: str) -> Normalised:
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = char if char.isascii() else unicodedata.normalize("NFKC", char).translate(_DASHES)
        out.append(folded)
        origin.extend([index] * len(folded))
    return Normalised(text="".join(out), origin=tuple(origin), original=text)
