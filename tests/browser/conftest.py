"""Real-browser fixtures: Playwright (Python) driving Debian's Chromium; axe-core from npm.

Playwright cannot download browsers on these machines, so we launch /usr/bin/chromium. When it
is missing the browser tests are skipped with that reason (make test installs it as root).
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed (apt-get install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _page(browser, viewport, **extra):
    # bypass_csp lets axe-core be injected; the CSP itself is checked by its own browser test
    context = browser.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True, **extra)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


@pytest.fixture
def browser_page(browser, live_server):
    context, page = _page(browser, DESKTOP)
    page.base = live_server.url
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context, page = _page(browser, PHONE, is_mobile=True, has_touch=True)
    page.base = live_server.url
    yield page
    context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe_check():
    """Run axe-core on the page; fail on serious or critical violations."""

    def check(page):
        if not AXE.exists():
            pytest.fail("axe-core missing: run `npm install` (make test does)")
        # colours are checked as the person sees them once a message has faded in: a contrast
        # read mid-animation (Wagtail's messages slide in) is not what anyone reads, so every
        # finite animation is taken to its end state first
        page.evaluate(
            """() => document.getAnimations().forEach(a => {
                try { if (a.effect.getTiming().iterations !== Infinity) a.finish(); }
                catch (e) {}
            })"""
        )
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in bad
        )

    return check
