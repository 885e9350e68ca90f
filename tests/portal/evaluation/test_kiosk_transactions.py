"""一次一评 at the window kiosk: a kiosk rates only a transaction its unit's clerk opened."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.accounts import roles
from portal.audit.models import AuditEvent
from portal.evaluation import kiosks, services
from portal.evaluation.models import KioskDevice, Rating

pytestmark = pytest.mark.django_db


def test_attack_old_permanent_kiosk_link_takes_one_rating_at_most(client, official):
    """Red team: signed out, 12 满意 in a row from the kiosk link printed on the unit's
    poster. On the old code all 12 counted; now the old link is refused outright."""
    token = services.kiosk_token_make(unit=official.unit, official=official)
    for _ in range(12):
        client.post(f"/kiosk/{token}/", {"level": "4"}, REMOTE_ADDR="10.0.0.7")
    assert Rating.objects.filter(channel="kiosk").count() <= 1


@pytest.fixture
def clerk(make_user, official):
    return make_user(roles.DEPARTMENT, unit=official.unit)


@pytest.fixture
def device(office_user, official):
    device, token = kiosks.kiosk_device_issue(
        actor=office_user, unit=official.unit, name="一号窗口"
    )
    device.token = token
    return device


def test_a_kiosk_rates_only_a_transaction_the_clerk_opened_once(client, official, clerk, device):
    url = f"/kiosk/{device.token}/"
    waiting = client.get(url)
    assert waiting.status_code == 200 and "当前没有待评价的办件" in waiting.content.decode()
    refused = client.post(url, {"level": "4"})
    assert refused.status_code == 409 and Rating.objects.count() == 0

    kiosks.kiosk_transaction_open(actor=clerk, device=device, official=official)
    page = client.get(url)
    assert official.title in page.content.decode()
    thanks = client.post(url, {"level": "4"})
    assert "感谢您的评价" in thanks.content.decode()
    for _ in range(11):  # the second and every later one: no open transaction
        again = client.post(url, {"level": "4"})
        assert again.status_code == 409
    assert Rating.objects.filter(channel="kiosk").count() == 1


def test_a_refused_rating_leaves_the_transaction_open(client, official, clerk, device):
    kiosks.kiosk_transaction_open(actor=clerk, device=device, official=official)
    url = f"/kiosk/{device.token}/"
    refused = client.post(url, {"level": "2", "reason": ""})
    assert "选择不满意时必须填写理由" in refused.content.decode()
    assert client.post(url, {"level": "2", "reason": "态度差"}).status_code == 200
    assert Rating.objects.filter(channel="kiosk", level=2).count() == 1


def test_an_opened_transaction_expires(client, official, clerk, device):
    kiosks.kiosk_transaction_open(actor=clerk, device=device, official=official)
    later = timezone.now() + timedelta(minutes=settings.KIOSK_TRANSACTION_MINUTES + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.post(f"/kiosk/{device.token}/", {"level": "4"}).status_code == 409
    assert Rating.objects.count() == 0


def test_a_withdrawn_or_expired_device_refuses(client, official, clerk, device, office_user):
    kiosks.kiosk_transaction_open(actor=clerk, device=device, official=official)
    kiosks.kiosk_device_withdraw(device=device, actor=office_user)
    response = client.post(f"/kiosk/{device.token}/", {"level": "4"})
    assert response.status_code == 403 and "已停用" in response.content.decode()
    with pytest.raises(ValidationError):
        kiosks.kiosk_transaction_open(actor=clerk, device=device, official=official)
    other, token = kiosks.kiosk_device_issue(actor=office_user, unit=official.unit, name="二号")
    kiosks.kiosk_transaction_open(actor=clerk, device=other, official=official)
    later = timezone.now() + timedelta(days=settings.KIOSK_DEVICE_DAYS + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.post(f"/kiosk/{token}/", {"level": "4"}).status_code == 403
    assert Rating.objects.count() == 0


def test_only_the_units_own_clerk_opens_and_only_the_office_issues(
    official, make_official, make_user, device, clerk
):
    other_clerk = make_user(roles.DEPARTMENT, unit=make_official().unit)
    with pytest.raises(PermissionDenied):
        kiosks.kiosk_transaction_open(actor=other_clerk, device=device, official=official)
    with pytest.raises(ValidationError):  # another unit's official on this unit's device
        kiosks.kiosk_transaction_open(actor=clerk, device=device, official=make_official())
    for role in (roles.DEPARTMENT, roles.LEADER, roles.EDITOR):
        with pytest.raises(PermissionDenied):
            kiosks.kiosk_device_issue(
                actor=make_user(role, unit=official.unit), unit=official.unit, name="x"
            )
        with pytest.raises(PermissionDenied):
            kiosks.kiosk_device_withdraw(device=device, actor=make_user(role, unit=official.unit))


def test_issue_and_withdraw_are_audit_events(office_user, device):
    kiosks.kiosk_device_withdraw(device=device, actor=office_user)
    actions = list(
        AuditEvent.objects.filter(chain=f"kiosk:{device.unit_id}").values_list("action", flat=True)
    )
    assert actions == ["kiosk_device_issue", "kiosk_device_withdraw"]
    assert device.token not in str(list(AuditEvent.objects.values_list("after", flat=True)))


def test_admin_screens_office_issues_clerk_opens_the_link_never_shown_to_the_unit(
    client, official, clerk, office_user, make_user
):
    client.force_login(office_user)
    page = client.get("/admin/evaluation/kiosks/")
    assert page.status_code == 200
    issued = client.post(
        "/admin/evaluation/kiosks/", {"unit": official.unit_id, "name": "三号窗口"}
    )
    html = issued.content.decode()
    assert issued.status_code == 200 and "/kiosk/" in html
    assert "no-store" in issued["Cache-Control"]
    device = KioskDevice.objects.get(name="三号窗口")
    assert "/kiosk/" not in client.get("/admin/evaluation/kiosks/").content.decode()

    client.force_login(clerk)
    assert client.get("/admin/evaluation/kiosks/").status_code == 404
    opened = client.get("/admin/evaluation/kiosks/open/")
    assert opened.status_code == 200 and "/kiosk/" not in opened.content.decode()
    client.post("/admin/evaluation/kiosks/open/", {"device": device.pk, "official": official.pk})
    assert kiosks.kiosk_transaction_current(device=device).official_id == official.pk
    poster = client.get(f"/admin/evaluation/poster/{official.unit_id}/").content.decode()
    assert "/kiosk/" not in poster
    for role in (roles.LEADER, roles.EDITOR):
        client.force_login(make_user(role))
        assert client.get("/admin/evaluation/kiosks/").status_code in (403, 404)
        assert client.post(f"/admin/evaluation/kiosks/{device.pk}/withdraw/").status_code in (
            403,
            404,
        )
