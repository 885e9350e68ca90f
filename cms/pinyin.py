"""Pinyin of Chinese names for roster search. Pure functions."""

from pypinyin import Style, lazy_pinyin

# surnames whose reading differs from the character's most common one
_SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "盖": "ge",
    "繁": "po",
    "乐": "yue",
    "员": "yun",
    "尉": "yu",
}


def name_pinyin(name: str) -> str:
    name = (name or "").strip()
    if not name:
        return ""
    syllables = lazy_pinyin(name, errors="ignore")
    if name[0] in _SURNAME_READINGS and syllables:
        syllables[0] = _SURNAME_READINGS[name[0]]
    return "".join(syllables).lower()


def name_initials(name: str) -> str:
    name = (name or "").strip()
    if not name:
        return ""
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    if name[0] in _SURNAME_READINGS and initials:
        initials[0] = _SURNAME_READINGS[name[0]][0]
    return "".join(initials).lower()
