"""Near-duplicate detection for screening (并单): Jaccard overlap of jieba words and word pairs.

Pure functions. Repeated submissions of one problem share most of their words even when
re-typed; a word-pair shingle keeps 窗口 + 态度 from matching every complaint about windows.
"""

from search.segment import tokens


def text_features(text: str) -> frozenset[str]:
    words = [w for w in tokens(text) if len(w) >= 2]
    pairs = {f"{a}|{b}" for a, b in zip(words, words[1:], strict=False)}
    return frozenset(words) | pairs


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def most_similar(text: str, candidates, *, threshold: float = 0.3, limit: int = 5):
    """[(score, key)] of candidates [(key, text)] at or above threshold, best first."""
    features = text_features(text)
    scored = [(jaccard(features, text_features(other)), key) for key, other in candidates]
    return sorted((s for s in scored if s[0] >= threshold), key=lambda s: -s[0])[:limit]
