import pytest


@pytest.mark.django_db
def test_site_is_chinese_by_default_and_switches_to_english(client, site_pages):
    html = client.get("/").content.decode()
    assert 'lang="zh-CN"' in html and "我要投诉" in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/officials/"})
    assert response.status_code == 302 and response["Location"] == "/officials/"
    html = client.get("/officials/").content.decode()
    assert 'lang="en"' in html and "File a complaint" in html and "All units" in html


@pytest.mark.django_db
def test_large_text_mode_and_language_switcher_are_offered(client, site_pages):
    html = client.get("/").content.decode()
    assert "data-large-text" in html and 'name="language"' in html
    assert "<script>" not in html  # behaviour comes from static files only (CSP)
