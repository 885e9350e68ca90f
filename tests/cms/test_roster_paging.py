"""The roster (/officials/) is paged and grouped by unit with a jump list (issue 21): a phone
gets about three screens, not 470 officials; the cost per page does not grow with the roster;
a page past the last, or page=abc, never shows an empty page or a 500."""

import re

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return re.findall(r'<span class="name">([^<]+)</span>', response.content.decode())


@pytest.fixture
def roster_of_12(settings, make_unit, make_official):
    settings.ROSTER_PER_PAGE = 5
    units = [
        make_unit(name=n, display_order=i)
        for i, n in enumerate(("县公安局", "县财政局", "县水利局"))
    ]
    people = [
        make_official(name=f"官员{i:02d}", unit=units[i // 4], display_order=i) for i in range(12)
    ]
    return units, people


def test_pages_hold_page_size_officials_in_roster_order_grouped_by_unit(client, roster_of_12):
    units, people = roster_of_12
    seen = []
    for number in (1, 2, 3):
        response = client.get("/officials/", {"page": number})
        assert response.status_code == 200
        seen += names(response)
        assert f"第 {number} / 3 页" in response.content.decode()
    assert seen == [p.title for p in people]  # every official once, in order
    page2 = client.get("/officials/?page=2").content.decode()
    # page 2 holds the end of 县财政局 and the start of 县水利局, each under its heading
    groups = page2.split('class="unit-group"')[1:]
    assert len(groups) == 2
    assert "县财政局" in groups[0] and "官员05" in groups[0] and "官员08" not in groups[0]
    assert "县水利局" in groups[1] and "官员08" in groups[1]
    assert 'href="?" rel="prev"' in page2
    assert 'href="?page=3" rel="next"' in page2


def test_the_jump_list_names_every_unit_with_its_count_and_filters_to_it(client, roster_of_12):
    units, _ = roster_of_12
    html = client.get("/officials/").content.decode()
    for unit in units:
        assert (
            f'href="?unit={unit.pk}"><span lang="zh-Hans">{unit.name}</span> <span class="count">4</span>'
            in html
        )
    response = client.get(f"/officials/?unit={units[2].pk}")
    assert names(response) == ["官员08", "官员09", "官员10", "官员11"]
    assert "第 1 / 1 页" not in response.content.decode()  # one page: no pager


@pytest.mark.parametrize(
    "query, expected",
    [
        ("page=9", "/officials/?page=3"),
        ("page=99999999999999999999", "/officials/?page=3"),
        ("q=官员&page=7", None),
    ],
)
def test_a_page_past_the_last_redirects_to_the_last(client, roster_of_12, query, expected):
    response = client.get(f"/officials/?{query}")
    assert response.status_code == 302
    if expected:
        assert response["Location"] == expected
    else:  # the search is kept
        assert "page=3" in response["Location"] and "q=" in response["Location"]
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("value", ["abc", "", "0", "-2", "²", "1.5", "9" * 5000])
def test_a_malformed_page_is_page_one_never_a_500(client, roster_of_12, value):
    response = client.get("/officials/", {"page": value})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert names(response)[0] == "官员00"


def test_an_empty_filter_past_page_one_is_the_empty_page(client, roster_of_12):
    response = client.get("/officials/?q=nobody&page=4")
    assert response.status_code == 302 and response["Location"] == "/officials/?q=nobody"
    assert "没有找到符合条件的测评对象" in client.get("/officials/?q=nobody").content.decode()


def test_the_queries_per_page_do_not_grow_with_the_roster(
    settings, make_unit, make_official, django_assert_max_num_queries
):
    settings.ROSTER_PER_PAGE = 10
    units = [make_unit(name=f"单位{i}", display_order=i) for i in range(10)]
    for i in range(20):
        make_official(name=f"甲{i:03d}", unit=units[i % 10])
    client = Client()
    client.get("/officials/")  # warm the site and settings caches
    with CaptureQueriesContext(connection) as small:
        assert len(names(client.get("/officials/?page=2"))) == 10
    at_20 = len(small)  # now: the log is cleared by the next request
    assert at_20 > 3
    for i in range(180):
        make_official(name=f"乙{i:03d}", unit=units[i % 10])
    client.get("/officials/")
    with django_assert_max_num_queries(at_20):
        assert len(names(client.get("/officials/?page=7"))) == 10


def test_each_page_and_unit_is_its_own_page_cache_entry(settings, roster_of_12):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    caches["pages"].clear()
    units, _ = roster_of_12
    first = {
        url: Client().get(url)
        for url in ("/officials/", "/officials/?page=2", f"/officials/?unit={units[1].pk}")
    }
    for url, response in first.items():
        assert response["X-Page-Cache"] == "miss", url
        again = Client().get(url)
        assert again["X-Page-Cache"] == "hit" and again.content == response.content, url
    assert len({names(r)[0] for r in first.values()}) == 3  # three different pages, not one copy
    # a redirect past the last page is not stored: the roster may grow
    assert Client().get("/officials/?page=50").status_code == 302
