"""Staff two-factor sign-in: TOTP required for every staff role when enforced (production)."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts import roles
from portal.accounts.services import staff_user_create
from portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

enforced = override_settings(STAFF_2FA_REQUIRED=True)


def _code(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def office_user(db):
    return staff_user_create(username="office-2fa", role=roles.OFFICE, password="pw-12345678")


@pytest.fixture
def dept_user(unit):
    return staff_user_create(
        username="dept-2fa", role=roles.DEPARTMENT, password="pw-12345678", unit=unit
    )


def test_without_enforcement_office_reaches_admin_with_password_only(client, office_user):
    client.force_login(office_user)
    assert client.get("/admin/").status_code == 200


@enforced
def test_office_without_device_is_sent_to_enrol_first(client, office_user):
    client.force_login(office_user)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/setup/?next=")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    assert TOTPDevice.objects.filter(user=office_user, confirmed=False).count() == 1


@enforced
def test_office_enrols_with_a_correct_code_and_then_reaches_admin(client, office_user):
    client.force_login(office_user)
    client.get("/admin/2fa/setup/")
    device = TOTPDevice.objects.get(user=office_user)
    response = client.post("/admin/2fa/setup/", {"token": _code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(chain=f"user:{office_user.pk}", action="2fa.enrolled").exists()


@enforced
def test_a_wrong_code_does_not_enrol_or_open_the_admin(client, office_user):
    client.force_login(office_user)
    client.get("/admin/2fa/setup/")
    response = client.post("/admin/2fa/setup/", {"token": "000000"})
    assert response.status_code == 200
    assert "动态验证码错误或已过期" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=office_user, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


@enforced
def test_department_user_with_device_must_enter_a_code_each_session(client, dept_user):
    device = TOTPDevice.objects.create(user=dept_user, name="TOTP", confirmed=True)
    client.force_login(dept_user)
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/2fa/?next=")
    wrong = client.post("/admin/2fa/", {"token": "123456", "next": "/admin/"})
    assert wrong.status_code == 200
    assert client.get("/admin/").status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above throttles the next attempt
    device.throttling_failure_timestamp = None
    device.save()
    ok = client.post("/admin/2fa/", {"token": _code(device), "next": "/admin/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@enforced
def test_a_confirmed_device_cannot_be_replaced_with_only_a_password(client, dept_user):
    TOTPDevice.objects.create(user=dept_user, name="TOTP", confirmed=True)
    client.force_login(dept_user)
    response = client.get("/admin/2fa/setup/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/?")
    assert TOTPDevice.objects.filter(user=dept_user).count() == 1


@enforced
def test_the_next_parameter_cannot_send_staff_to_another_site(client, office_user):
    device = TOTPDevice.objects.create(user=office_user, name="TOTP", confirmed=True)
    client.force_login(office_user)
    response = client.post("/admin/2fa/", {"token": _code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


# every role that signs in to the admin, with a page it would otherwise open; a unit's own
# account is a department account with its unit (its ratings page)
ROLE_PAGES = [
    (roles.OFFICE, "/admin/cases/"),
    (roles.DEPARTMENT, "/admin/"),
    (roles.EDITOR, "/admin/pages/"),
    (roles.LEADER, "/admin/"),
    (roles.MONITOR, "/admin/monitor-reports/"),
]


def _role_user(role, unit):
    return staff_user_create(
        username=f"2fa-{role.name.lower()}",
        role=role,
        password="pw-12345678",
        unit=unit if role == roles.DEPARTMENT else None,
    )


@pytest.mark.parametrize(("role", "path"), ROLE_PAGES, ids=[r.name for r, _ in ROLE_PAGES])
def test_without_enforcement_every_role_opens_its_page_with_a_password(client, unit, role, path):
    client.force_login(_role_user(role, unit))
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert not any("/admin/2fa/" in url for url, _ in response.redirect_chain)


@enforced
@pytest.mark.parametrize(("role", "path"), ROLE_PAGES, ids=[r.name for r, _ in ROLE_PAGES])
def test_every_role_is_sent_to_enrol_before_its_page(client, unit, role, path):
    client.force_login(_role_user(role, unit))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/setup/?next=")


@enforced
@pytest.mark.parametrize(("role", "path"), ROLE_PAGES, ids=[r.name for r, _ in ROLE_PAGES])
def test_every_role_with_a_device_must_enter_its_code_then_reaches_its_page(
    client, unit, role, path
):
    user = _role_user(role, unit)
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    client.force_login(user)
    response = client.get(path)
    assert response["Location"].startswith("/admin/2fa/?next=")
    ok = client.post("/admin/2fa/", {"token": _code(device), "next": path}, follow=True)
    assert ok.status_code == 200
    assert not any("/admin/2fa/" in url for url, _ in ok.redirect_chain)


@enforced
def test_a_superuser_and_django_staff_need_the_second_factor(client, django_user_model):
    for name, extra in (("root-2fa", {"is_superuser": True}), ("staff-2fa", {})):
        user = django_user_model.objects.create_user(
            username=name, password="pw-12345678", is_staff=True, **extra
        )
        client.force_login(user)
        assert client.get("/admin/")["Location"].startswith("/admin/2fa/setup/"), name


@enforced
def test_sign_out_from_the_two_factor_page_works(client, office_user):
    client.force_login(office_user)
    page = client.get("/admin/2fa/setup/").content.decode()
    assert 'method="post" action="/admin/logout/"' in page
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert client.get("/admin/2fa/setup/")["Location"].startswith("/admin/login/")


@enforced
def test_visitors_and_the_login_page_need_no_second_factor(client, site_pages):
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/").status_code == 200


@enforced
@pytest.mark.parametrize("path", ["/office/", "/dept/", "/admin/evaluation/office/", "/"])
def test_staff_without_the_second_factor_reach_no_back_office_desk(client, dept_user, path):
    TOTPDevice.objects.create(user=dept_user, name="TOTP", confirmed=True)
    client.force_login(dept_user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/?next=")


def test_otp_reset_removes_devices_and_is_audited(office_user):
    TOTPDevice.objects.create(user=office_user, name="TOTP", confirmed=True)
    call_command("otp_reset", office_user.username, "--by", "office-lead")
    assert not TOTPDevice.objects.filter(user=office_user).exists()
    event = AuditEvent.objects.get(chain=f"user:{office_user.pk}", action="2fa.reset")
    assert event.actor_label == "office-lead"
