"""Masking of personal data before a case is published. Pure functions over plain strings.

Why: published outcomes are public and indexed by search engines; the complainant and any
private person named in the text must not be identifiable (PIPL art. 28/51: names, phone,
ID-card and bank numbers, addresses are personal information; the complainant's protection from
retaliation). Officials named in the roster act in a public function: their names stay readable.

How: the text is normalised (NFKC: full-width digits, ideographic spaces, dashes) and every rule
matches the normalised form; the spans are mapped back and cut from the ORIGINAL text, so the
published text keeps the writer's characters outside them. A number becomes a label
(〔手机号〕: no visible digit narrows anyone down), a name its surname + 某某. `mask_explained`
returns each span with the rule that masked it, for the office preview.

The office always sees the masked text in a preview and can edit it by hand before publishing;
these rules are the automatic first pass and the safety net re-applied on publish.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from portal.core.text import strip_control_chars  # noqa: F401  (re-exported for publication)

from . import names as _names
from . import numbers as _numbers
from .normalise import normalise

NAME_MASK = "某某"
COMPOUND_SURNAMES = _names.COMPOUND_SURNAMES
LABELS = {
    "mobile": "〔手机号〕",
    "id_card": "〔身份证号〕",
    "bank_card": "〔银行卡号〕",
    "landline": "〔电话〕",
    "qq": "〔QQ号〕",
    "wechat": "〔微信号〕",
    "email": "〔邮箱〕",
    "address": "〔地址〕",
}
NUMBER_RULES = tuple(_numbers.RULES)
NAME_RULES = ("name_given", "name_context", "name_title", "name_jieba")


@dataclass(frozen=True)
class Span:
    start: int  # in the original text
    end: int
    original: str
    replacement: str
    rule: str


@dataclass(frozen=True)
class Masked:
    text: str
    spans: tuple[Span, ...]
    original: str = ""

    def parts(self) -> list[tuple[str, Span | None]]:
        """The masked text in pieces for the office preview: (text, None) kept as written,
        (replacement, span) masked by span.rule."""
        out, at = [], 0
        for span in self.spans:
            if span.start > at:
                out.append((self.original[at : span.start], None))
            out.append((span.replacement, span))
            at = span.end
        if at < len(self.original):
            out.append((self.original[at:], None))
        return out


def mask_name(name: str) -> str:
    """张三 → 张某某, 王小明 → 王某某, 欧阳娜娜 → 欧阳某某: the surname stays, the length of
    the given name does not show."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    return _names.surname_of(name) + NAME_MASK


def _occurrences(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    found = []
    for word in {w.strip() for w in words if w and len(w.strip()) >= 2}:
        at = text.find(word)
        while at >= 0:
            found.append((at, at + len(word)))
            at = text.find(word, at + len(word))
    return found


def _overlaps(span, taken) -> bool:
    return any(span[0] < end and start < span[1] for start, end, *_ in taken)


def mask_explained(
    text: str,
    *,
    private_names: Iterable[str] = (),
    keep_names: Iterable[str] = (),
    rules: Iterable[str] = NUMBER_RULES + NAME_RULES,
) -> Masked:
    """The masked text and the spans masked, each with its rule. `private_names` (the
    complainant's own) are always masked; detected names on `keep_names` (officials on the
    public roster) stay readable. Numbers come first: where spans overlap, the earlier wins."""
    text = text or ""
    rules = set(rules)
    norm = normalise(text)
    candidates = []
    for rule, find in _numbers.RULES.items():
        if rule in rules:
            candidates.extend(s for s in find(norm.text) if s[2] in rules)
    if "name_given" in rules:
        given = _occurrences(norm.text, private_names)
        candidates.extend((start, end, "name_given") for start, end in sorted(given))
    if rules & {"name_context", "name_title", "name_jieba"}:
        keep = _occurrences(norm.text, keep_names)
        candidates.extend(
            s for s in _names.detect(norm.text) if s[2] in rules and not _overlaps(s, keep)
        )
    taken: list[tuple[int, int, str]] = []
    for span in candidates:  # in priority order already; longest first among equals
        if not _overlaps(span, taken):
            taken.append(span)
    spans = []
    for start, end, rule in sorted(taken):
        o_start, o_end = norm.original_span(start, end)
        original = text[o_start:o_end]
        replacement = LABELS.get(rule) or mask_name(norm.text[start:end])
        spans.append(Span(o_start, o_end, original, replacement, rule))
    out, at = [], 0
    for span in spans:
        out.append(text[at : span.start])
        out.append(span.replacement)
        at = span.end
    out.append(text[at:])
    return Masked(text="".join(out), spans=tuple(spans), original=text)


def _only(text: str, *rules: str) -> str:
    return mask_explained(text, rules=rules).text


def mask_mobiles(text: str) -> str:
    """13812341234, １３８…, 138 1234 1234, +86-138-… → 〔手机号〕."""
    return _only(text, "mobile")


def mask_id_cards(text: str) -> str:
    """18-digit ID cards with a valid check digit (or after 身份证), 15-digit old ones with a
    real birth date → 〔身份证号〕."""
    return _only(text, "id_card")


def mask_long_numbers(text: str) -> str:
    """Bank cards (16–19 digits passing Luhn, or after 卡号/账号) → 〔银行卡号〕."""
    return _only(text, "bank_card")


def mask_emails(text: str) -> str:
    """zhangsan@example.com → 〔邮箱〕."""
    return _only(text, "email")


def mask_numbers(text: str) -> str:
    """Every pattern rule: ID cards, bank cards, mobiles, landlines, e-mail, QQ/WeChat ids,
    addresses. Idempotent: the labels never match again."""
    return _only(text, *NUMBER_RULES)


def mask_names(
    text: str,
    *,
    private_names: Iterable[str] = (),
    keep_names: Iterable[str] = (),
    detect: bool = True,
) -> str:
    """Mask private persons' names: the given `private_names` (e.g. the complainant's own),
    and (detect=True) names found by context and jieba. `keep_names` (officials from the
    public roster) are never masked when detected."""
    rules = NAME_RULES if detect else ("name_given",)
    return mask_explained(
        text, private_names=private_names, keep_names=keep_names, rules=rules
    ).text


def mask_text(
    text: str,
    *,
    private_names: Iterable[str] = (),
    keep_names: Iterable[str] = (),
    detect_names: bool = True,
) -> str:
    """The automatic masking of one text: numbers, addresses and private names."""
    rules = NUMBER_RULES + (NAME_RULES if detect_names else ("name_given",))
    return mask_explained(
        text, private_names=private_names, keep_names=keep_names, rules=rules
    ).text
