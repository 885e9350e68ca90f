"""Pure rules: how text is cut into words, how queries become phrases, how hits are marked."""

import pytest

from search.highlight import highlight
from search.segment import index_text, parse_query, word_pairs


@pytest.mark.parametrize(
    ("q", "phrases"),
    [
        ("路灯", [["路灯"]]),
        ("小区路灯不亮", [["小区", "路灯", "不", "亮"]]),
        ("噪音 路灯", [["噪音"], ["路灯"]]),
        ('"噪音扰民" 路灯', [["噪音", "扰民"], ["路灯"]]),
        ("ZWL", [["zwl"]]),
        ("！？ 。", []),
        ("", []),
    ],
)
def test_a_query_becomes_phrases(q, phrases):
    assert parse_query(q) == phrases


@pytest.mark.parametrize(
    ("text", "contains"),
    [
        (
            "小区路灯不亮",
            {"路灯", "小区路灯", "路灯不"},
        ),  # the site's own dictionary keeps 路灯 whole
        ("办事效率低", {"办事效率", "效率", "办事"}),  # words inside longer words
        ("Hello, 世界!", {"hello", "世界"}),
    ],
)
def test_documents_are_cut_into_words_parts_and_pairs(text, contains):
    assert contains <= set(index_text(text).split())


def test_pairs_join_only_chinese_neighbours():
    assert word_pairs(["路灯", "不", "abc", "亮"]) == ["路灯不"]


@pytest.mark.parametrize(
    ("text", "q", "html"),
    [
        ("小区路灯不亮", "路灯", "小区<mark>路灯</mark>不亮"),
        ("<b>路灯</b>", "路灯", "&lt;b&gt;<mark>路灯</mark>&lt;/b&gt;"),
        ("A & B", "b", "A &amp; <mark>B</mark>"),
        ("没有", "路灯", "没有"),
    ],
)
def test_highlight_escapes_and_marks(text, q, html):
    assert highlight(text, parse_query(q)) == html


def test_a_long_text_is_cut_around_the_first_match():
    text = "甲" * 200 + "路灯" + "乙" * 200
    html = highlight(text, parse_query("路灯"), max_chars=40)
    assert html.startswith("…") and html.endswith("…") and "<mark>路灯</mark>" in html
    assert len(html) < 80
