import pytest


@pytest.mark.django_db
def test_site_is_chinese_by_default_and_switches_to_english(client, site_pages):
    html = client.get("/").content.decode()
    assert 'lang="zh-Hans"' in html and "我要投诉" in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/officials/"})
    assert response.status_code == 302 and response["Location"] == "/officials/"
    html = client.get("/officials/").content.decode()
    assert 'lang="en"' in html and "File a complaint" in html and "All units" in html


@pytest.mark.django_db
def test_large_text_mode_and_language_switcher_are_offered(client, site_pages):
    html = client.get("/").content.decode()
    assert "data-large-text" in html and 'name="language"' in html
    assert "<script>" not in html  # behaviour comes from static files only (CSP)


@pytest.mark.django_db
def test_the_switch_names_each_language_in_itself_and_submits_with_its_button(client, site_pages):
    """Issue 21: "英语" in Chinese mode was the wrong label, and a select that submitted on
    change made the button useless (and moved keyboard users away mid-choice)."""
    import re

    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        html = client.get("/").content.decode()
        assert re.search(r'<option value="zh-hans" lang="zh-Hans"[^>]*>简体中文</option>', html)
        assert re.search(r'<option value="en" lang="en"[^>]*>English</option>', html)
        assert "英语" not in html and "data-autosubmit" not in html
        assert re.search(r'<button type="submit" class="lang-go">', html)
    # the button's POST alone switches (no script involved)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert 'lang="zh-Hans"' in client.get("/").content.decode()
