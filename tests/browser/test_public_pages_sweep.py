"""Every public page, in both languages, on a desktop and on a phone (issue 21): nothing is
wider than the screen, axe-core finds nothing serious or critical, <html lang> names the
language shown, and a full-page screenshot is saved to test-artifacts/screenshots/sweep-*.png.

One browser, one live server and one set of data for the whole module: the data are written
once (committed, outside any test's transaction) and flushed when the module ends, so the
60 rows below cost one page load each."""

from datetime import date

import pytest
from django.conf import settings

# django_db: the test database is made, and each row's own writes (sessions) roll back
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LANGS = {"zh-Hans": "zh-hans", "en": "en"}  # cookie value -> <html lang> (lower-cased)

# name -> path, or a key of the data fixture whose value has the path
PAGES = {
    "home": "/",
    "roster": "/officials/",
    "profile": "@profile",
    "results": "/results/",
    "result": "@result",
    "stats": "/stats/",
    "rankings": "/rankings/",
    "news": "/news/",
    "news-item": "@news_item",
    "policies": "/policies/",
    "policy": "@policy",
    "transparency": "/transparency/",
    "search": "/search/?q=%E8%B7%AF%E7%81%AF",  # 路灯
    "complaint-new": "/complaints/new/",
    "complaint-track": "/complaints/track/",
    "receipt": "!receipt",  # a complaint filed through the form: its receipt page (PRG)
    "404": "/no-such-page/",
}


def _world():
    from cms.models import NewsPage, PolicyPage
    from cms.services import site_structure_ensure
    from complaints.choices import Finding, HandlingAction, HandlingTier
    from tests.complaints.publication import factories as f
    from tests.factories import OfficialFactory, UnitFactory

    site = site_structure_ensure()
    roads = UnitFactory(name="县交通运输局", latitude="27.218000", longitude="116.533000")
    UnitFactory(name="县市场监督管理局", latitude="27.218000", longitude="116.533000")
    clerk = OfficialFactory(name="赵明远", unit=roads, gender="M", post="党组成员、副局长")
    OfficialFactory(name="张伟丽", unit=roads, gender="F", post="科员")
    office = f.office("office-sweep")
    closed = f.case_closed(
        unit=roads,
        official=clerk,
        text="城东路灯不亮已经三个月，晚上出行很危险。",
        answer="已更换路灯二十盏。",
        measures="建立路灯巡查制度。",
        finding=Finding.TRUE,
        tier=HandlingTier.EARLY_SIGN,
        action=HandlingAction.TALK,
        actor=office,
    )
    outcome = f.publish(closed, actor=office)  # autocommit: indexed at once
    news = site["news"].add_child(
        instance=NewsPage(
            title="城区路灯集中维修", date=date(2026, 11, 3), body="<p>路灯已修复。</p>", live=True
        )
    )
    policy = site["policies"].add_child(
        instance=PolicyPage(
            title="投诉办理工作规范",
            date=date(2026, 11, 3),
            body="<p>正文</p>",
            issuer="县效能办",
            live=True,
        )
    )
    from search import api

    api.reindex("news")
    return {
        "@profile": clerk.url,
        "@result": f"/results/{outcome.pk}/",
        "@news_item": news.url,
        "@policy": policy.url,
    }


@pytest.fixture(scope="module")
def sweep_site(django_db_setup, django_db_blocker):
    """(base URL, paths) of a live server over data made once for the module."""
    from django.core.cache import cache
    from django.db import connections
    from django.test import TransactionTestCase
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        cache.clear()
        paths = _world()
        server = LiveServer("localhost")
        try:
            yield server.url, paths
        finally:
            server.stop()
            # the same flush and reload of the migrations' rows every transactional test ends with
            case = TransactionTestCase()
            case.databases = set(connections)
            case.available_apps = None
            case._fixture_teardown()
            cache.clear()


@pytest.fixture(scope="module")
def contexts(browser, sweep_site):
    """One browser context a (language, size), its language cookie set once; closed before
    the server stops, so no request is still in flight then."""
    made = {}
    yield made
    for context in made.values():
        context.close()


def _complaint_file(page, base):
    """File an anonymous complaint as a person would and stay on the receipt it leads to."""
    page.goto(base + "/complaints/new/")
    page.select_option("#id_category", index=1)
    page.fill("#id_text", "不动产登记窗口让我来回跑了三趟，每次要求的材料都不一样。")
    page.fill("#id_captcha_1", "PASSED")
    page.locator("#id_text").locator("xpath=ancestor::form").locator(
        "button[type=submit]"
    ).first.click()
    page.wait_for_selector("[data-receipt]")
    assert page.url.split("#")[0].endswith("/complaints/receipt/"), page.url


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PAGES)
def test_public_page(browser, contexts, sweep_site, axe_check, screenshot, name, lang, size):
    base, paths = sweep_site
    if (lang, size) not in contexts:
        extra = {"is_mobile": True, "has_touch": True} if size == "phone" else {}
        context = browser.new_context(
            viewport=SIZES[size], locale="zh-CN", bypass_csp=True, **extra
        )
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base}])
        contexts[(lang, size)] = context
    page = contexts[(lang, size)].new_page()
    page.set_default_timeout(15000)
    try:
        path = PAGES[name]
        if path == "!receipt":
            _complaint_file(page, base)
        else:
            response = page.goto(base + paths.get(path, path))
            assert response.status == (404 if name == "404" else 200), response.status
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.lang").lower() == LANGS[lang]
        screenshot(page, f"sweep-{name}-{lang}-{size}")
        width = page.evaluate("document.documentElement.scrollWidth")
        inner = page.evaluate("window.innerWidth")
        assert width <= inner, f"{width}px wide on a {inner}px screen: " + page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className).join(', ')"""
        )
        # the header's own row holds its contents (English is longer), the switch not crushed
        row = page.evaluate(
            "(() => { const r = document.querySelector('.header-row');"
            " return [r.scrollWidth, r.clientWidth]; })()"
        )
        assert row[0] <= row[1], f"header contents {row[0]}px in a {row[1]}px row"
        select = page.evaluate(
            "(() => { const s = document.querySelector('#lang-select');"
            " return [s.getBoundingClientRect().width, s.scrollWidth]; })()"
        )
        assert select[0] >= 60, f"language switch crushed to {select[0]}px"
        axe_check(page)
    finally:
        page.close()
