"""What every public page carries (issue 21): a <title> "页面 - 站点" without the site name
twice, a favicon, footer links to rankings, news and policies, and no empty photo box."""

import re

import pytest

pytestmark = pytest.mark.django_db

SITE = "效能测评与投诉平台"


def _title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_the_home_page_title_names_the_site_once(client, site_pages):
    html = client.get("/").content.decode()
    assert _title(html) == SITE


def test_a_section_title_is_page_then_site(client, site_pages):
    html = client.get("/news/").content.decode()
    assert _title(html) == f"动态公告 - {SITE}"


def test_favicon_and_footer_links(client, site_pages):
    html = client.get("/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg', html)
    footer = html[html.index('<footer class="site-footer">') :]
    for href in ("/rankings/", "/news/", "/policies/"):
        assert f'href="{href}"' in footer, href


def test_an_official_without_photo_gets_a_neutral_placeholder(client, official):
    html = client.get(official.url).content.decode()
    assert "official-placeholder.svg" in html
    assert "background:#eee" not in html
