"""Staff sessions are short and die with the password: a sign-in through /admin/login/ lasts
STAFF_SESSION_SECONDS (8 hours by default, not Django's 14 days), ticked "remember me" or not,
and changing the password in one browser ends every other session of that account."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-pw-2026-Zq"


def _sign_in(user, **extra) -> Client:
    client = Client()
    response = client.post(
        "/admin/login/", {"username": user.username, "password": PASSWORD, **extra}
    )
    assert response.status_code == 302, response.status_code
    return client


def _server_side_age(client) -> float:
    key = client.cookies["sessionid"].value
    session = Session.objects.get(session_key=key)
    from django.utils import timezone

    return (session.expire_date - timezone.now()).total_seconds()


@pytest.mark.parametrize("remember", [{}, {"remember": "on"}])
def test_staff_sign_in_lasts_eight_hours_not_two_weeks(world, remember):
    client = _sign_in(world["users"]["office"], **remember)
    age = _server_side_age(client)
    assert 8 * 3600 - 60 < age <= 8 * 3600
    max_age = client.cookies["sessionid"]["max-age"]
    assert max_age in ("", 8 * 3600, str(8 * 3600))  # browser session or 8 hours, never more


def test_staff_session_length_is_a_setting(world, settings):
    settings.SESSION_COOKIE_AGE = 600  # what STAFF_SESSION_SECONDS=600 gives
    client = _sign_in(world["users"]["office"])
    assert 540 < _server_side_age(client) <= 600


def _account_form_data(client) -> dict:
    """What the account page's other panels (name, e-mail, language, ...) post unchanged."""
    context = client.get("/admin/account/").context
    data = {}
    for panels in context["panels_by_tab"].values():
        for panel in panels:
            form = panel.get_form()
            for name in form.fields:
                value = form[name].value()
                if value not in (None, ""):
                    data[form.add_prefix(name)] = value
    return data


def test_password_change_ends_the_other_sessions_of_that_account(world):
    office = world["users"]["office"]
    office.first_name, office.last_name, office.email = "办", "效能", "office@example.org"
    office.save(update_fields=["first_name", "last_name", "email"])  # the account form needs them
    here, elsewhere = _sign_in(office), _sign_in(office)
    assert elsewhere.get("/admin/").status_code == 200
    data = _account_form_data(here)
    data.update(
        {
            "password-old_password": PASSWORD,
            "password-new_password1": NEW_PASSWORD,
            "password-new_password2": NEW_PASSWORD,
        }
    )
    response = here.post("/admin/account/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    office.refresh_from_db()
    assert office.check_password(NEW_PASSWORD)
    assert here.get("/admin/").status_code == 200  # the browser that changed it stays in
    response = elsewhere.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    # and a session made before the change cannot come back with the old cookie
    response = elsewhere.get("/admin/cases/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_session_setting_is_validated(monkeypatch):
    import importlib

    from portal.settings import rules

    monkeypatch.setenv("STAFF_SESSION_SECONDS", "999999999")
    with pytest.raises(ValueError, match="STAFF_SESSION_SECONDS"):
        importlib.reload(rules)
    monkeypatch.delenv("STAFF_SESSION_SECONDS")
    importlib.reload(rules)
    assert rules.STAFF_SESSION_SECONDS == 8 * 3600
