"""The contract every search backend passes (database always, Elasticsearch when set)."""

from datetime import date

import pytest

from search import api

NOTES = {
    "1": dict(
        title="小区路灯不亮",
        body="幸福小区的路灯坏了三天，晚上出行不便。",
        unit="城管局",
        year=2025,
        date=date(2025, 3, 1),
        author="王某",
    ),
    "2": dict(
        title="工地噪音扰民",
        body="夜间施工噪音很大，影响休息。",
        unit="住建局",
        year=2025,
        date=date(2025, 4, 2),
        author="李某",
    ),
    "3": dict(
        title="窗口办事效率低",
        body="办事窗口推诿扯皮，来回跑了五趟。",
        unit="政务服务中心",
        year=2024,
        date=date(2024, 6, 3),
        author="赵某",
    ),
    "4": dict(
        title="路面坑洼",
        body="主干道路面坑洼积水，灯光昏暗。",
        unit="城管局",
        year=2024,
        date=date(2024, 7, 4),
        author="钱某",
    ),
    "5": dict(
        title="广场舞噪音",
        body="广场舞音响声音大。路灯下聚集。",
        unit="城管局",
        year=2025,
        date=date(2025, 5, 5),
        author="孙某",
    ),
}


def load(notes, rows=NOTES):
    notes.rows.update({k: dict(v) for k, v in rows.items()})
    api.reindex("note")


def ids(results):
    return {hit.id for hit in results.hits}


def test_two_character_word_finds_the_documents_that_contain_it_and_not_the_others(
    notes, search_backend
):
    load(notes)
    assert ids(api.search("note", "路灯")) == {"1", "5"}
    assert ids(api.search("note", "噪音")) == {"2", "5"}


def test_words_inside_longer_words_are_found(notes, search_backend):
    load(notes)
    assert ids(api.search("note", "效率")) == {"3"}


def test_a_multi_word_query_is_a_phrase_query(notes, search_backend):
    load(notes)
    # 路灯 and 不 / 亮 appear in note 5 too, but not as the phrase 路灯不亮
    notes.rows["6"] = dict(
        title="路灯",
        body="灯不亮？路灯亮了。",
        unit="城管局",
        year=2025,
        date=date(2025, 6, 1),
        author="",
    )
    api.index_ids("note", ["6"])
    assert ids(api.search("note", "路灯不亮")) == {"1"}
    assert ids(api.search("note", '"噪音扰民"')) == {"2"}


def test_space_separated_parts_must_all_match(notes, search_backend):
    load(notes)
    assert ids(api.search("note", "噪音 路灯")) == {"5"}


def test_results_are_newest_first(notes, search_backend):
    load(notes)
    assert [h.id for h in api.search("note", "").hits] == ["5", "2", "1", "4", "3"]


def test_facet_counts_and_facet_filters(notes, search_backend):
    load(notes)
    results = api.search("note", "", facets=["unit", "year"])
    assert dict(results.facets["unit"]) == {"城管局": 3, "住建局": 1, "政务服务中心": 1}
    assert results.facets["unit"][0] == ("城管局", 3)
    assert dict(results.facets["year"]) == {"2025": 3, "2024": 2}
    filtered = api.search("note", "路灯", filters={"unit": "城管局", "year": 2025}, facets=["unit"])
    assert ids(filtered) == {"1", "5"}
    assert dict(filtered.facets["unit"]) == {"城管局": 2}


def test_an_unknown_facet_is_refused(notes, search_backend):
    with pytest.raises(ValueError):
        api.search("note", "", filters={"secret": "x"})


def test_pagination_covers_every_hit_once(notes, search_backend):
    load(notes)
    first = api.search("note", "", page=1, per_page=2)
    second = api.search("note", "", page=2, per_page=2)
    third = api.search("note", "", page=3, per_page=2)
    assert first.total == 5 and not first.total_capped and first.num_pages == 3
    assert first.has_next and not first.has_previous and not third.has_next
    seen = [h.id for r in (first, second, third) for h in r.hits]
    assert sorted(seen) == ["1", "2", "3", "4", "5"]


def test_totals_are_capped(notes, search_backend, settings):
    load(notes)
    settings.SEARCH_TOTAL_CAP = 3
    results = api.search("note", "", per_page=2)
    assert results.total_capped and results.total == 3 and results.total_display == "3+"
    assert not api.search("note", "噪音").total_capped


def test_a_word_matching_more_than_the_cap_still_lists_newest_first(
    notes, search_backend, settings
):
    load(notes)
    settings.SEARCH_TOTAL_CAP = 1
    results = api.search("note", "路灯", facets=["unit"])
    assert [h.id for h in results.hits] == ["5", "1"]
    assert results.total_capped and results.total_display == "1+"
    assert [h.id for h in api.search("note", "路灯", page=2, per_page=1).hits] == ["1"]


def test_removal(notes, search_backend):
    load(notes)
    api.remove("note", "1")
    assert ids(api.search("note", "路灯")) == {"5"}


def test_index_ids_removes_what_the_owner_no_longer_publishes(notes, search_backend):
    load(notes)
    del notes.rows["5"]
    notes.rows["1"]["body"] = "已修好。"
    notes.rows["1"]["title"] = "小区照明"
    assert api.index_ids("note", ["1", "5"]) == (1, 1)
    assert ids(api.search("note", "路灯")) == set()
    assert ids(api.search("note", "照明")) == {"1"}


def test_index_one_document_from_its_fields(notes, search_backend):
    api.index("note", 9, dict(title="占道经营", body="早市占道", unit="城管局", year=2025))
    assert ids(api.search("note", "占道")) == {"9"}


def test_reindex_rebuilds_from_the_owner_and_drops_stale_documents(notes, search_backend):
    load(notes)
    del notes.rows["2"]
    notes.rows["7"] = dict(title="噪音", body="", unit="住建局", year=2025)
    assert api.reindex("note") == 5
    assert ids(api.search("note", "噪音")) == {"5", "7"}


def test_matches_are_highlighted(notes, search_backend):
    load(notes)
    hit = next(h for h in api.search("note", "路灯").hits if h.id == "1")
    assert "<mark>路灯</mark>" in hit.title
    assert "<mark>路灯</mark>" in hit.snippet
    assert hit.fields["unit"] == "城管局"


def test_html_in_documents_comes_back_escaped(notes, search_backend):
    load(
        notes,
        {
            "8": dict(
                title="<script>alert(1)</script>路灯",
                body="<b>路灯</b> & 噪音",
                unit="城管局",
                year=2025,
            )
        },
    )
    hit = api.search("note", "路灯").hits[0]
    assert "<script>" not in hit.title and "&lt;script&gt;" in hit.title
    assert "<b>" not in hit.snippet and "&lt;b&gt;<mark>路灯</mark>" in hit.snippet
    assert "&amp;" in hit.snippet


def test_a_query_with_only_punctuation_lists_everything(notes, search_backend):
    load(notes)
    assert api.search("note", "！？。").total == 5


def test_one_chinese_character_finds_it_inside_any_word(notes, search_backend):
    # the site's rule (shown on /search/): 灯 finds 路灯 and 灯光, 噪 finds 噪音
    load(notes)
    assert ids(api.search("note", "灯")) == {"1", "4", "5"}
    assert ids(api.search("note", "噪")) == {"2", "5"}
    assert ids(api.search("note", "灯 噪")) == {"5"}
    hit = api.search("note", "灯", per_page=50).hits
    assert all("<mark>灯</mark>" in h.title + h.snippet for h in hit)
    # two characters stay a word: 路面 does not find 路灯
    assert ids(api.search("note", "路面")) == {"4"}


def test_a_query_of_punctuation_has_no_words():
    from search.segment import has_words

    assert not has_words("*") and not has_words("！？。") and not has_words("   ")
    assert has_words("灯") and has_words("a")


def test_health_says_ok(search_backend):
    assert api.health().startswith("ok")


@pytest.mark.parametrize(
    "q", ['路灯" OR 1=1 --', "NEAR(路灯 噪音)", "^*", "路灯*", "'; DROP TABLE x;", "a" * 500]
)
def test_query_syntax_from_users_is_taken_as_plain_words(notes, search_backend, q):
    load(notes)
    results = api.search("note", q)
    assert results.total >= 0


@pytest.mark.parametrize("window", [0, 2, 10, 20000])
def test_totals_and_facets_do_not_depend_on_how_the_backend_counts(
    notes, search_backend, settings, window
):
    # the database backend on PostgreSQL first looks for cap + 1 matches of a word that the
    # statistics call frequent among the first SEARCH_COUNT_WINDOW rows; whatever the window,
    # totals, facets and hits are the same
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.backends import database

    load(notes)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")
        database.statistics_reset()
    settings.SEARCH_COUNT_WINDOW = window
    settings.SEARCH_TOTAL_CAP = 1
    with CaptureQueriesContext(connection) as queries:
        capped = api.search("note", "路灯", facets=["unit"])
    assert capped.total_capped and capped.total == 1 and ids(capped) == {"1", "5"}
    if connection.vendor == "postgresql" and search_backend.name == "database" and window >= 10:
        assert any('w."_hit"' in q["sql"] for q in queries.captured_queries)  # window used
    filtered = api.search("note", "路灯", filters={"year": 2024})
    assert filtered.total == 0 and not filtered.total_capped and ids(filtered) == set()
    settings.SEARCH_TOTAL_CAP = 10
    exact = api.search("note", "噪音", facets=["unit"])
    assert exact.total == 2 and not exact.total_capped
    assert dict(exact.facets["unit"]) == {"住建局": 1, "城管局": 1}
