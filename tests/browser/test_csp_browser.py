"""The Content-Security-Policy in a real browser: public pages and the Wagtail admin work
under it and the browser reports no violation (Chromium logs each refused script or style)."""

import pytest

from portal.accounts import roles
from portal.accounts.services import staff_user_create

from .conftest import DESKTOP

# the fixtures recreate Wagtail's root page and collection after a transactional flush
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def csp_page(browser, live_server):
    # not the shared page fixtures: they bypass CSP so axe-core can be injected
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base = live_server.url
    yield page
    context.close()


def _watch(page):
    violations = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    return violations


def test_public_pages_and_the_admin_run_under_their_policies_without_violations(
    csp_page, official, unit
):
    # one test (not two): a second transactional test here would start without the Wagtail
    # root page when other database tests ran before it in the same session
    page = csp_page
    violations = _watch(page)
    for path in ["/", "/officials/", official.url, "/complaints/new/", "/complaints/track/"]:
        response = page.goto(page.base + path)
        assert response.status < 400, path
        assert "script-src 'self';" in response.headers["content-security-policy"]
    # site.js ran (it is the only script): the large-text toggle works
    page.goto(page.base + "/")
    page.click("[data-large-text]")
    assert page.get_attribute("[data-large-text]", "aria-pressed") == "true"
    assert violations == [], "\n".join(violations)

    user = staff_user_create(username="csp-office", role=roles.OFFICE, password="pw-csp-2026!")
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    page.goto(page.base + "/admin/login/")
    page.fill("input[name=username]", "csp-office")
    page.fill("input[name=password]", "pw-csp-2026!")
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/admin/")
    for path in [
        f"/admin/pages/{official.pk}/edit/",
        "/admin/images/multiple/add/",
        f"/admin/snippets/cms/unit/edit/{unit.pk}/",
        "/admin/pages/",
    ]:
        response = page.goto(page.base + path)
        assert response.status < 400, path
        assert "'unsafe-inline'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    page.goto(page.base + f"/admin/pages/{official.pk}/edit/")
    page.wait_for_selector("form#page-edit-form")
    assert violations == [], "\n".join(violations)
