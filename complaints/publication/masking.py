"""Masking of personal data before a case is published. Pure functions over plain strings.

Why: published outcomes are public and indexed by search engines; the complainant and any
private person named in the text must not be identifiable (PIPL art. 28/51: names, mobile and
ID-card numbers are personal information; the complainant's protection from retaliation).
Officials named in the roster act in a public function: their names stay readable.

The office always sees the masked text in a preview and can edit it by hand before publishing;
these rules are the automatic first pass and the safety net re-applied on publish.
"""

import logging
import re
from collections.abc import Iterable

from portal.core.text import strip_control_chars  # noqa: F401  (re-exported for publication)

MASK = "*"
NAME_MASK = "某"
HONORIFICS = ("先生", "女士", "同志", "师傅", "小姐", "大爷", "大妈", "阿姨")

# 18-digit resident ID: 6-digit region, birth date 19xx/20xx, 3-digit sequence, check digit
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])(\d{6})(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"(\d{3}[\dXx])(?![0-9A-Za-z])"
)
# mainland mobile, optionally +86 / 86, optionally split by spaces or dashes: 138 1234 1234
_MOBILE = re.compile(
    r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9A-Za-z])"
)
# bank cards and other long account numbers (16-19 digits)
_LONG_NUMBER = re.compile(r"(?<![0-9A-Za-z*])\d{12,15}(\d{4})(?![0-9A-Za-z])")
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)
_HAN = re.compile(r"^[\u4e00-\u9fff·]+$")
# private-use code points stand in for protected names while the other rules run
_PLACEHOLDER_BASE = 0xE000

COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "轩辕",
    "令狐",
    "钟离",
    "端木",
    "澹台",
    "独孤",
    "南宫",
    "西门",
)


def mask_mobiles(text: str) -> str:
    """13812341234 → 138****1234 (also +86 and spaced forms)."""
    return _MOBILE.sub(lambda m: f"{m.group(1)}{MASK * 4}{m.group(3)}", text or "")


def mask_id_cards(text: str) -> str:
    """360121199001011234 → 360121********1234: the birth date is hidden."""
    return _ID_CARD.sub(lambda m: f"{m.group(1)}{MASK * 8}{m.group(2)}", text or "")


def mask_long_numbers(text: str) -> str:
    """Bank card and account numbers (16–19 digits): only the last four stay."""
    return _LONG_NUMBER.sub(lambda m: f"{MASK * 4}{m.group(1)}", text or "")


def mask_emails(text: str) -> str:
    """zhangsan@example.com → z***@example.com."""
    return _EMAIL.sub(lambda m: f"{m.group(1)}{MASK * 3}@{m.group(2)}", text or "")


def mask_name(name: str) -> str:
    """张三 → 张某, 王小明 → 王某某, 欧阳娜娜 → 欧阳某某: the surname stays."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    surname = next((s for s in COMPOUND_SURNAMES if name.startswith(s) and len(name) > 2), name[0])
    return surname + NAME_MASK * (len(name) - len(surname))


def _protect(text: str, names: Iterable[str]) -> tuple[str, dict[str, str]]:
    table = {}
    for i, name in enumerate(sorted({n for n in names if n}, key=len, reverse=True)):
        token = chr(_PLACEHOLDER_BASE + i)
        if name in text:
            text = text.replace(name, token)
            table[token] = name
    return text, table


def _restore(text: str, table: dict[str, str]) -> str:
    for token, name in table.items():
        text = text.replace(token, name)
    return text


def _person_names(text: str) -> set[str]:
    """Person names: words jieba tags 'nr' (two to four Han characters), and the name right
    before 先生/女士/同志… (a lone surname there, 赵女士, is left as it is)."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    pairs = [(p.word, p.flag) for p in jieba.posseg.cut(text)]
    found = set()
    for i, (word, flag) in enumerate(pairs):
        if flag.startswith("nr") and 2 <= len(word) <= 4 and _HAN.match(word):
            prev = pairs[i - 1][0] if i else ""
            if prev in COMPOUND_SURNAMES or (
                len(prev) == 1 and pairs[i - 1][1].startswith("nr") and len(word) <= 2
            ):
                word = prev + word  # 欧阳 + 娜娜, 王 + 小明
            found.add(word)
        if word in HONORIFICS and i > 0:
            prev, prev_flag = pairs[i - 1]
            if not _HAN.match(prev):
                continue
            if (
                i > 1
                and len(pairs[i - 2][0]) == 1
                and pairs[i - 2][1].startswith("nr")
                and len(prev) <= 2
                and not prev_flag.startswith("nr")
            ):
                found.add(pairs[i - 2][0] + prev)  # 王/nr + 小明 + 先生
            elif prev_flag.startswith("nr") and 2 <= len(prev) <= 4:
                found.add(prev)
    return found


def mask_names(
    text: str,
    *,
    private_names: Iterable[str] = (),
    keep_names: Iterable[str] = (),
    detect: bool = True,
) -> str:
    """Mask private persons' names: the given `private_names` (e.g. the complainant's own),
    and (detect=True) names found by jieba, including those before 先生/女士/同志….
    `keep_names` (officials from the public roster) are never masked."""
    text = text or ""
    for name in sorted(
        {n.strip() for n in private_names if n and len(n.strip()) >= 2}, key=len, reverse=True
    ):
        text = text.replace(name, mask_name(name))
    if not detect:
        return text
    keep = [n.strip() for n in keep_names if n and len(n.strip()) >= 2]
    text, table = _protect(text, keep)
    for name in sorted(_person_names(text), key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return _restore(text, table)


def mask_numbers(text: str) -> str:
    """Every pattern rule (ID cards, mobiles, long account numbers, e-mail addresses).
    Idempotent: masked output never matches again."""
    text = mask_id_cards(text or "")
    text = mask_long_numbers(text)
    text = mask_mobiles(text)
    return mask_emails(text)


def mask_text(
    text: str,
    *,
    private_names: Iterable[str] = (),
    keep_names: Iterable[str] = (),
    detect_names: bool = True,
) -> str:
    """The automatic masking of one text: numbers, e-mail addresses and private names."""
    private_names = list(private_names)
    text = mask_numbers(text)
    return mask_names(text, private_names=private_names, keep_names=keep_names, detect=detect_names)
