"""Chinese word segmentation for the database backend, and query parsing. Pure functions.

Measured here (DESIGN.md, "Chinese text"): trigram indexes cannot find two-character words, so
both documents and queries are cut into words with jieba and joined by spaces. HMM is off so
that an unknown name is cut the same way inside a document and alone in a query (张伟丽 →
张 伟 丽 on both sides, found again as a phrase).
"""

import logging
import re

import jieba

from . import conf

jieba.setLogLevel(logging.WARNING)
_ready = False


def _dictionary():
    """jieba with the site's own words (SEARCH_USER_DICT): 路灯 must not become 路 / 灯不亮.
    Changing the word list changes how documents are cut: run search_reindex afterwards."""
    global _ready
    if not _ready:
        path = conf.get("SEARCH_USER_DICT")
        if path:
            jieba.load_userdict(str(path))
        _ready = True
    return jieba.dt


MAX_QUERY_CHARS = 100
MAX_PHRASES = 8
_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”')


def tokens(text: str) -> list[str]:
    """Words of `text`, lowercased, punctuation and spaces dropped."""
    if not text:
        return []
    words = []
    for word in _dictionary().lcut(str(text), HMM=False):
        word = word.strip().lower()
        if word and any(ch.isalnum() for ch in word):
            words.append(word)
    return words


def _is_han(word: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in word)


def word_pairs(words: list[str]) -> list[str]:
    """Adjacent Chinese words joined (供水管道 破裂 → 供水管道破裂). Indexed as extra words, they
    let PostgreSQL find a phrase of frequent words from a short GIN posting list (measured at
    1M documents: the phrase alone had to intersect lists of 100k documents per word)."""
    return [a + b for a, b in zip(words, words[1:], strict=False) if _is_han(a) and _is_han(b)]


def single_characters(words: list[str]) -> list[str]:
    """The Chinese characters inside longer words, each once (路灯 县公安局 → 路 灯 县 公 安 局
    less those already words). The site's rule for one-character queries (shown on /search/):
    a query of one Chinese character finds every document with that character in any word, so
    灯 finds 路灯 and 局 finds every 局; two characters or more are words and phrases."""
    seen = {w for w in words if len(w) == 1}
    out = []
    for word in words:
        if len(word) > 1 and _is_han(word):
            for ch in word:
                if ch not in seen:
                    seen.add(ch)
                    out.append(ch)
    return out


def index_tokens(text: str) -> list[str]:
    """Words of a document, then the dictionary words inside its longer words (办事效率 also
    yields 办事 and 效率, like jieba's search mode) so a query for a part finds the whole, then
    the pairs of adjacent words, then the single characters of longer words (each once: the
    one-character rule above). The extras go after the text so that phrases still match only
    adjacent words."""
    words = tokens(text)
    freq = _dictionary().FREQ
    extra = []
    for word in words:
        if len(word) > 2:
            for n in (2, 3):
                for i in range(len(word) - n + 1):
                    sub = word[i : i + n]
                    if sub != word and freq.get(sub):
                        extra.append(sub)
    return words + extra + word_pairs(words) + single_characters(words)


def index_text(*texts: str) -> str:
    """The segmented form stored in the index: every word separated by one space."""
    return " ".join(w for text in texts for w in index_tokens(text))


def parse_query(q: str) -> list[list[str]]:
    """A user query as phrases (lists of words), all of which must match.

    Every whitespace-separated part (or "quoted part") is one phrase: its words must follow
    each other, so 路灯不亮 finds "路灯不亮" and not every text with 路灯 somewhere and 不亮
    somewhere else (that matched far too much when measured).
    """
    q = (q or "")[:MAX_QUERY_CHARS]
    parts = [a or b for a, b in _QUOTED.findall(q)]
    parts += _QUOTED.sub(" ", q).split()
    phrases = []
    for part in parts:
        words = tokens(part)
        if words and words not in phrases:
            phrases.append(words)
    return phrases[:MAX_PHRASES]


def has_words(q: str) -> bool:
    """Whether a query has anything to look for: "*", "！？。" or spaces alone do not."""
    return bool(parse_query(q))


def is_single_character(part: str) -> bool:
    return len(part) == 1 and _is_han(part)


def query_parts(q: str) -> list[str]:
    """The phrases of a query as text, for an engine that analyses text itself."""
    return [" ".join(words) for words in parse_query(q)]
