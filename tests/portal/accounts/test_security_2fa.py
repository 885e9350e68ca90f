"""Staff two-factor sign-in: TOTP required for office and department roles when enforced."""

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


@pytest.fixture
def editor_user(db):
    return staff_user_create(username="editor-2fa", role=roles.EDITOR, password="pw-12345678")


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


@enforced
def test_editor_role_is_not_forced_to_use_two_factor(client, editor_user):
    client.force_login(editor_user)
    assert client.get("/admin/").status_code == 200


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


@enforced
def test_monitors_sign_in_without_a_second_factor(client, db):
    monitor = staff_user_create(username="monitor-2fa", role=roles.MONITOR, password="pw-1234567")
    client.force_login(monitor)
    response = client.get("/admin/monitor-reports/")
    assert response.status_code == 200  # "my monthly reports", no second factor asked


def test_otp_reset_removes_devices_and_is_audited(office_user):
    TOTPDevice.objects.create(user=office_user, name="TOTP", confirmed=True)
    call_command("otp_reset", office_user.username, "--by", "office-lead")
    assert not TOTPDevice.objects.filter(user=office_user).exists()
    event = AuditEvent.objects.get(chain=f"user:{office_user.pk}", action="2fa.reset")
    assert event.actor_label == "office-lead"
