"""News and policy sections list their published pages, newest first."""

from datetime import date

import pytest

from cms.models import NewsPage, PolicyPage
from cms.services import site_structure_ensure

pytestmark = pytest.mark.django_db


def _add(section, model, title, day, *, live=True, **fields):
    return section.add_child(
        instance=model(title=title, date=day, body="<p>正文</p>", live=live, **fields)
    )


def test_news_section_lists_live_news_newest_first_and_not_drafts(client):
    news = site_structure_ensure()["news"]
    _add(news, NewsPage, "第一季度测评结果公布", date(2026, 4, 2))
    _add(news, NewsPage, "十月份测评情况通报", date(2026, 11, 3))
    _add(news, NewsPage, "草稿：尚未发布的通知", date(2026, 11, 20), live=False)
    html = client.get(news.url).content.decode()
    assert html.index("十月份测评情况通报") < html.index("第一季度测评结果公布")
    assert "尚未发布" not in html


def test_policy_section_lists_its_policies(client):
    policies = site_structure_ensure()["policies"]
    _add(policies, PolicyPage, "关于开展效能测评的实施办法", date(2026, 1, 5), issuer="县效能办")
    _add(policies, PolicyPage, "投诉办理工作规范", date(2026, 6, 1), issuer="县效能办")
    html = client.get(policies.url).content.decode()
    assert html.index("投诉办理工作规范") < html.index("关于开展效能测评的实施办法")
