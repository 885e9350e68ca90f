"""Highlighting: escape the stored text, wrap query matches in <mark>. Pure functions."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _pattern(phrases: list[list[str]]):
    terms = {"".join(p) for p in phrases} | {w for p in phrases for w in p}
    terms = sorted((t for t in terms if t), key=len, reverse=True)
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)


def has_match(text: str, phrases: list[list[str]]) -> bool:
    pattern = _pattern(phrases)
    return bool(pattern and text and pattern.search(text))


def highlight(text: str, phrases: list[list[str]], *, max_chars: int | None = None) -> SafeString:
    """HTML of `text` with every query word in <mark>; cut to a window around the first match
    when `max_chars` is given. Everything from the document is escaped."""
    text = text or ""
    pattern = _pattern(phrases)
    matches = list(pattern.finditer(text)) if pattern else []
    start, end = 0, len(text)
    if max_chars and len(text) > max_chars:
        first = matches[0].start() if matches else 0
        start = max(0, first - max_chars // 4)
        end = min(len(text), start + max_chars)
        start = max(0, end - max_chars)
    out, pos = [], start
    for m in matches:
        if m.end() <= start or m.start() >= end:
            continue
        a, b = max(m.start(), start), min(m.end(), end)
        out.append(escape(text[pos:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    out.append(escape(text[pos:end]))
    html = "".join(out)
    if start > 0:
        html = "…" + html
    if end < len(text):
        html += "…"
    return mark_safe(html)  # every piece above is escaped
