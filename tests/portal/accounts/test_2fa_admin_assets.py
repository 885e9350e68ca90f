"""The admin's own asset requests (icon sprite, JS catalogue) are not two-factor pages: a
browser on the set-up or verify page fetches them, and they must neither render that page a
second time nor become the place the staff member lands after the correct code."""

import re

import pytest
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts import roles
from portal.accounts.services import staff_user_create

pytestmark = pytest.mark.django_db

enforced = override_settings(STAFF_2FA_REQUIRED=True)
PASSWORD = "pw-12345678"


def _code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def office_user(db):
    return staff_user_create(username="office-assets", role=roles.OFFICE, password=PASSWORD)


def _sprite_url(html: str) -> str:
    found = re.search(r'data-icons-sprite-url="?([^"\s>]+)"?|(/admin/sprite/\?h=[0-9a-f]+)', html)
    return (found.group(1) or found.group(2)) if found else "/admin/sprite/"


@enforced
@pytest.mark.parametrize("path", ["/admin/sprite/", "/admin/jsi18n/"])
def test_admin_assets_are_served_before_the_second_factor(client, office_user, path):
    client.force_login(office_user)
    response = client.get(path)
    assert response.status_code == 200
    assert b"<form" not in response.content  # the asset itself, not the set-up page


@enforced
def test_setup_page_renders_once_and_the_code_leads_to_the_page_asked_for(client, office_user):
    login = client.post(
        "/admin/login/",
        {"username": "office-assets", "password": PASSWORD, "next": "/admin/cases/"},
    )
    assert login.status_code == 302
    setup = client.get(login["Location"], follow=True)
    assert setup.status_code == 200
    assert setup.redirect_chain[-1][0].startswith("/admin/2fa/setup/?next=")
    # the browser now fetches the icon sprite the page refers to
    sprite = client.get(_sprite_url(setup.content.decode()))
    assert sprite.status_code == 200
    # the sprite request did not open a second enrolment page (one pending device, one render)
    assert TOTPDevice.objects.filter(user=office_user).count() == 1
    device = TOTPDevice.objects.get(user=office_user)
    done = client.post("/admin/2fa/setup/", {"token": _code(device), "next": "/admin/cases/"})
    assert done.status_code == 302 and done["Location"] == "/admin/cases/"
    assert client.get("/admin/cases/").status_code == 200


@enforced
def test_real_pages_still_need_the_second_factor(client, office_user):
    client.force_login(office_user)
    for path in ("/admin/", "/admin/pages/", "/admin/cases/", "/admin/sprite-not/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/2fa/"), path
