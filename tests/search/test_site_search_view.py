"""The site search page lists officials and news hits with highlighted words."""

from datetime import date

import pytest

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


def test_a_page_past_the_last_of_one_type_redirects_to_the_last(client, make_official, make_unit):
    unit = make_unit(name="县自然资源局")
    officials = [make_official(name=f"测试{i}", unit=unit) for i in range(25)]
    api.index_ids("official", [o.pk for o in officials])
    for page in ("7", "9" * 5000):
        response = client.get("/search/", {"q": "自然资源局", "type": "official", "page": page})
        assert response.status_code == 302
        assert "page=2" in response["Location"] and "type=official" in response["Location"]
    assert (
        client.get("/search/", {"q": "自然资源局", "type": "official", "page": "abc"}).status_code
        == 200
    )


@pytest.mark.parametrize("q", ["*", "！？。", "   ", "?!"])
def test_a_query_without_words_gets_guidance_not_every_document(client, make_official, q):
    official = make_official(name="张伟丽")
    api.index_ids("official", [official.pk])
    html = client.get("/search/", {"q": q}).content.decode()
    assert "请输入检索词" in html
    assert "张伟丽" not in html and "条）" not in html


def test_the_search_page_states_the_one_character_rule_and_follows_it(
    client, make_official, make_unit, site_pages
):
    lamp = make_official(name="李灯", unit=make_unit(name="县城市管理局"), post="路灯管理所所长")
    police = [make_official(name=f"王{i}", unit=make_unit(name=f"县公安{i}局")) for i in range(3)]
    api.index_ids("official", [lamp.pk, *(p.pk for p in police)])
    html = client.get("/search/", {"q": "灯"}).content.decode()
    assert "一个汉字查找含有这个字的所有词" in html
    assert lamp.url in html
    html = client.get("/search/", {"q": "局"}).content.decode()
    assert all(p.url in html for p in police) and lamp.url in html


def test_policies_are_found_by_site_search(client, site_pages):
    from cms.models import PolicyPage

    policy = site_pages["policies"].add_child(
        instance=PolicyPage(
            title="投诉办理工作规范",
            slug="rules",
            date=date(2026, 11, 3),
            issuer="县效能办",
            body="<p>承办单位应在五个工作日内答复。</p>",
            live=True,
        )
    )
    api.index_ids("policy", [policy.pk])
    html = client.get("/search/", {"q": "工作日"}).content.decode()
    assert policy.url in html and "政策宣传" in html and "县效能办" in html
