"""Two-factor sign-in in a real browser, as production runs it (STAFF_2FA_REQUIRED on): a
staff member asks for a page, signs in, is sent to TOTP enrolment, types the code their
authenticator would compute from the secret shown, and lands on the page they asked for —
not on the admin's icon sprite, which the enrolment page's browser fetches on the way
(issue 19). A wrong code and a replayed code are refused with a clear message; signing out
and in again asks for a fresh code. Desktop and 390×844; axe-core clean on each screen."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from portal.accounts import roles
from portal.accounts.services import staff_user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "x-2026-pw-twofactor"
ASKED_FOR = "/admin/cases/"
WRONG = "动态验证码错误或已过期"


def _code_at(secret: str, step: int) -> str:
    """What an authenticator app shows for `secret` (as printed on the page) in 30 s step
    `step`."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = step * 30
    return f"{totp.token():06d}"


def _step_now() -> int:
    return int(time.time()) // 30


def _sign_in(page, username):
    page.goto(f"{page.base}{ASKED_FOR}")
    page.wait_for_url("**/admin/login/**")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


def _submit(page, code):
    page.fill("#id_token", code)
    with page.expect_navigation():
        page.locator("form.login-form button[type=submit]").click()


def _not_a_code_now(secret):
    """A six-digit code the device accepts at no step in its window (a mistyped code)."""
    now = _step_now()
    accepted = {_code_at(secret, now + k) for k in (-1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in accepted)


@pytest.mark.parametrize("viewport", ["browser_page", "phone_page"])
def test_staff_enrols_totp_lands_on_the_page_asked_for_and_signs_in_again(
    request, viewport, settings, axe_check, screenshot
):
    settings.STAFF_2FA_REQUIRED = True
    page = request.getfixturevalue(viewport)
    staff_user_create(username="office-totp", role=roles.OFFICE, password=PASSWORD)
    asset_requests = []
    page.on("request", lambda r: asset_requests.append(r.url) if "/admin/sprite" in r.url else 0)

    # 1. sign in: sent to enrolment, keeping the page asked for
    _sign_in(page, "office-totp")
    assert "/admin/2fa/setup/" in page.url and "next=%2Fadmin%2Fcases%2F" in page.url
    assert page.get_by_role("heading", name="设置两步验证").is_visible()
    assert page.locator(".twofactor-qr svg").is_visible()
    secret = page.locator("[data-totp-secret]").inner_text().strip()
    axe_check(page)
    screenshot(page, f"2fa-setup-{viewport}")

    # 2. a mistyped code is refused, with the reason next to the field
    _submit(page, _not_a_code_now(secret))
    assert "/admin/2fa/setup/" in page.url
    expect(page.locator("#id_token_error")).to_contain_text(WRONG)
    expect(page.locator("#id_token_error")).to_be_visible()
    axe_check(page)
    screenshot(page, f"2fa-setup-wrong-{viewport}")
    time.sleep(1.2)  # django-otp holds the next try for 1 s after a failure

    # 3. the right code: the page asked for, not the sprite the set-up page fetched
    enrol_step = _step_now()
    _submit(page, _code_at(secret, enrol_step))
    assert page.url == f"{page.base}{ASKED_FOR}", page.url
    assert "sprite" not in page.url
    assert asset_requests, "the admin pages fetch the icon sprite (the request the bug was about)"

    # 4. sign out (Wagtail's account menu), then sign in again
    if viewport == "phone_page":
        page.get_by_role("button", name="切换侧边栏").click()
    page.locator(".sidebar-footer__account-toggle").click()
    page.locator(".sidebar-footer").get_by_text("注销").click()
    page.wait_for_url("**/admin/login/**")
    _sign_in(page, "office-totp")
    assert "/admin/2fa/?next=%2Fadmin%2Fcases%2F" in page.url
    assert page.get_by_role("heading", name="两步验证").is_visible()
    axe_check(page)
    screenshot(page, f"2fa-verify-{viewport}")

    # 5. the code used to enrol, replayed, is refused
    _submit(page, _code_at(secret, enrol_step))
    assert "/admin/2fa/" in page.url
    expect(page.locator("#id_token_error")).to_contain_text(WRONG)
    time.sleep(1.2)

    # 6. a fresh code (the authenticator's next one) opens the page asked for
    _submit(page, _code_at(secret, max(_step_now(), enrol_step + 1)))
    assert page.url == f"{page.base}{ASKED_FOR}", page.url
