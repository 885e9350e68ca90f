"""The site search page lists officials and news hits with highlighted words."""

from datetime import date

from cms.models import NewsPage
from search import api


def test_search_page_lists_officials_and_news_with_highlights(client, make_official, site_pages):
    official = make_official(name="张伟丽", post="路灯管理所所长")
    news = site_pages["news"].add_child(
        instance=NewsPage(
            title="路灯维修",
            slug="lamps",
            date=date(2026, 10, 1),
            body="<p>全县路灯检修。</p>",
            live=True,
        )
    )
    api.index_ids("official", [official.pk])
    api.index_ids("news", [news.pk])
    response = client.get("/search/", {"q": "路灯"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>路灯</mark>" in html
    assert official.url in html and news.url in html
    assert "测评对象" in html and "动态公告" in html


def test_search_page_escapes_the_query_and_says_when_nothing_is_found(client, db):
    response = client.get("/search/", {"q": "<script>x</script>"})
    html = response.content.decode()
    assert "<script>x" not in html
    assert "没有找到" in html


def test_search_page_without_a_query_shows_the_form(client, db):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


def test_one_type_is_paged(client, make_official, make_unit):
    unit = make_unit(name="县自然资源局")
    officials = [make_official(name=f"测试{i}", unit=unit) for i in range(25)]
    api.index_ids("official", [o.pk for o in officials])
    first = client.get("/search/", {"q": "自然资源局", "type": "official"}).content.decode()
    second = client.get("/search/", {"q": "自然资源局", "type": "official", "page": 2})
    assert first.count('class="search-hit"') == 20
    assert second.content.decode().count('class="search-hit"') == 5
    assert "第 1 / 2 页" in first
