"""Issue 17, red team: the rated unit wanting 好评, an editor wanting the warnings off, a
database holder editing rows with raw SQL. Each test is one attack; it must fail.

Kiosk, SMS sampling, suspicious review, chained records and the anonymity of the new tables.
"""

import json
from datetime import time, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from portal.accounts import roles
from portal.evaluation import kiosks, sampling, services, suspicious_review
from portal.evaluation.models import KioskDevice, Rating, ServiceRecord, SmsInbound, SmsInvitation
from portal.evaluation.models_review import SuspiciousDismissal

pytestmark = pytest.mark.django_db
SECRET = "provider-secret"
PHONE = "13912345678"
WHEN = "2026-01-05 08:00:00"


def raw(sql, params=()):
    """SQL as the database owner sends it (append-only triggers off on PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def broken(match):
    with pytest.raises(CommandError, match=match):
        call_command("verify_audit", verbosity=0)


def _reply(client, payload, secret=SECRET):
    body = json.dumps(payload).encode()
    return client.post(
        "/sms/inbound/",
        body,
        content_type="application/json",
        HTTP_X_SMS_SIGNATURE=sampling.signature(secret, body),
    )


def _import(official, phones, capture, prefix="R"):
    rows = [
        sampling.record_row_parse(
            row=n,
            unit=official.unit,
            external_id=f"{prefix}-{n}",
            phone=phone,
            finished_at="2026-12-01 09:30",
            official=official,
        )
        for n, phone in enumerate(phones, start=1)
    ]
    with override_settings(SMS_SAMPLING_RATE=1.0), capture(execute=True):
        return sampling.service_records_import(unit=official.unit, rows=rows, source="file")


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


# --- kiosk: the unit's own clerk ---------------------------------------------------------


@override_settings(KIOSK_TRANSACTIONS_PER_HOUR=20)
def test_attack_the_clerk_opens_and_rates_transactions_in_a_loop(client, official, clerk, device):
    """Open, walk round the counter, tap 满意, again: 40 in a few seconds. Old code: 40."""
    url = f"/kiosk/{device.token}/"
    for _ in range(40):
        try:
            kiosks.kiosk_transaction_open(actor=clerk, device=device, official=official)
        except ValidationError as exc:
            assert exc.code == "too-many"
            continue
        client.post(url, {"level": "4"})
    assert Rating.objects.filter(channel="kiosk").count() == 20


def test_attack_the_clerk_rates_on_the_kiosk_while_signed_in(client, official, clerk, device):
    kiosks.kiosk_transaction_open(actor=clerk, device=device, official=official)
    client.force_login(clerk)
    client.post(f"/kiosk/{device.token}/", {"level": "4"})
    assert Rating.objects.count() == 0


def test_attack_the_device_link_is_not_on_the_clerks_pages(client, official, clerk, device):
    client.force_login(clerk)
    page = client.get("/admin/evaluation/kiosks/open/").content.decode()
    assert device.token not in page
    assert client.get("/admin/evaluation/kiosks/").status_code in (302, 403, 404)


# --- SMS sampling: the unit feeds the records --------------------------------------------


@override_settings(SMS_INBOUND_SECRET=SECRET)
def test_attack_the_unit_feeds_its_own_staffs_phones(
    client, official, django_capture_on_commit_callbacks
):
    """The unit lists its own clerk's mobile as a citizen; old code: a 满意 from the clerk."""
    services.staff_phones_import(unit=official.unit, phones=[PHONE])
    _import(official, [PHONE], django_capture_on_commit_callbacks)
    _reply(client, {"message_id": "s1", "phone": PHONE, "text": "1"})
    assert Rating.objects.count() == 0


@override_settings(SMS_INBOUND_SECRET=SECRET)
def test_attack_one_friends_phone_on_many_records(
    client, official, django_capture_on_commit_callbacks
):
    """Five 办件 with one friend's phone, five replies "1"; old code: five ratings."""
    _import(official, [PHONE] * 5, django_capture_on_commit_callbacks)
    for n in range(5):
        _reply(client, {"message_id": f"f{n}", "phone": PHONE, "text": "1"})
    assert Rating.objects.count() == 1


@override_settings(SMS_INBOUND_SECRET=SECRET)
def test_attack_a_reply_after_the_window_or_from_another_phone(
    client, official, django_capture_on_commit_callbacks, settings
):
    _import(official, [PHONE], django_capture_on_commit_callbacks)
    other = _reply(client, {"message_id": "o1", "phone": "13800000000", "text": "1"})
    assert other.json()["result"] == "no-invitation"
    later = timezone.now() + timedelta(hours=settings.SMS_INVITATION_HOURS + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        late = _reply(client, {"message_id": "o2", "phone": PHONE, "text": "1"})
    assert late.json()["result"] == "no-invitation"
    assert Rating.objects.count() == 0


@override_settings(SMS_INBOUND_SECRET="")
def test_the_inbound_endpoint_is_off_without_a_secret(client, official):
    """Switched off, the endpoint is not there (404), whatever is signed with an empty key."""
    response = _reply(client, {"message_id": "x", "phone": PHONE, "text": "1"}, secret="")
    assert response.status_code == 404


def test_a_record_without_an_official_is_counted_as_not_invitable(official):
    rows = [
        sampling.record_row_parse(
            row=1, unit=official.unit, external_id="N-1", phone=PHONE, finished_at="2026-12-01"
        )
    ]
    with override_settings(SMS_SAMPLING_RATE=1.0):
        result = sampling.service_records_import(unit=official.unit, rows=rows, source="file")
    assert result["invited"] == 0 and result["no_official"] == 1


# --- anonymity of the new tables ----------------------------------------------------------


@override_settings(SMS_INBOUND_SECRET=SECRET)
def test_attack_the_answered_invitation_points_at_its_rating_by_time(
    client, official, django_capture_on_commit_callbacks
):
    """A database holder joins invitation.answered_at to rating.created_at, then the record's
    phone: the anonymous rating is named. Old code: the same instant."""
    _import(official, [PHONE], django_capture_on_commit_callbacks)
    _reply(client, {"message_id": "a1", "phone": PHONE, "text": "3 态度差"})
    rating = Rating.objects.get()
    invitation = SmsInvitation.objects.get()
    assert invitation.answered_at is not None and invitation.answered_at != rating.created_at
    # the day only, as the unit sees its own ratings (day granularity)
    assert timezone.localtime(invitation.answered_at).time() == time(0)
    received = SmsInbound.objects.get().received_at
    assert timezone.localtime(received).time() == time(0)
    # nor a stable key of the phone left on the answered invitation
    assert invitation.phone_hash == ""


@override_settings(SMS_INBOUND_SECRET=SECRET)
def test_attack_the_records_of_one_phone_are_not_linked_in_clear(
    client, official, django_capture_on_commit_callbacks
):
    _import(official, [PHONE, PHONE], django_capture_on_commit_callbacks)
    for record in ServiceRecord.objects.all():
        assert PHONE not in record.phone_encrypted and PHONE[-8:] not in record.phone_encrypted
    encrypted = set(ServiceRecord.objects.values_list("phone_encrypted", flat=True))
    assert len(encrypted) == 2  # no deterministic ciphertext to group a person's records by


# --- raw SQL on the chained kinds that were not sealed ------------------------------------


def test_attack_a_withdrawn_kiosk_device_switched_back_on_in_the_database(office_user, device):
    kiosks.kiosk_device_withdraw(device=device, actor=office_user)
    call_command("verify_audit", verbosity=0)
    raw("UPDATE evaluation_kioskdevice SET withdrawn_at = NULL WHERE id = %s", [device.pk])
    broken(f"kiosk-device id={device.pk} content does not match")


def test_attack_a_kiosk_device_inserted_in_the_database(office_user, device, official):
    raw(
        "INSERT INTO evaluation_kioskdevice (unit_id, name, token_hash, created_by_id, "
        "created_at, expires_at) VALUES (%s, 'x', %s, %s, %s, '2099-01-01 00:00:00')",
        [official.unit_id, "0" * 64, office_user.pk, WHEN],
    )
    pk = KioskDevice.objects.order_by("-pk").values_list("pk", flat=True).first()
    broken(f"kiosk-device id={pk} has no audit-chain entry")


@pytest.fixture
def dismissed(official, rate, office_user):
    with override_settings(SUSPICIOUS_GOOD_RUN=5):
        for _ in range(6):
            rate(official, level=4)
        flag = suspicious_review.flags_open(user=office_user)[0]
        return suspicious_review.flag_dismiss(user=office_user, ref=flag["ref"], reason="表彰日")


def test_attack_a_flag_dismissal_inserted_in_the_database(official, office_user, dismissed):
    call_command("verify_audit", verbosity=0)
    raw(
        "INSERT INTO evaluation_suspiciousdismissal (kind, official_id, key, reason, actor_id, "
        "created_at) VALUES ('burst', %s, 'k', 'x', %s, %s)",
        [official.pk, office_user.pk, WHEN],
    )
    pk = SuspiciousDismissal.objects.order_by("-pk").values_list("pk", flat=True).first()
    broken(f"suspicious-dismissal id={pk} has no audit-chain entry")


def test_attack_a_flag_dismissal_deleted_or_changed(dismissed):
    raw("UPDATE evaluation_suspiciousdismissal SET created_at = %s", ["2099-01-01 00:00:00"])
    broken(f"suspicious-dismissal id={dismissed.pk} content does not match")


def test_attack_an_sms_invitation_inserted_in_the_database(
    official, django_capture_on_commit_callbacks
):
    """The holder adds invitations for records nobody sampled (its friends' phones): each
    would become a rating. verify_audit compares them with the audited import counts."""
    with override_settings(SMS_SAMPLING_RATE=0.0):
        rows = [
            sampling.record_row_parse(
                row=1,
                unit=official.unit,
                external_id="U-1",
                phone=PHONE,
                finished_at="2026-12-01 09:30",
                official=official,
            )
        ]
        sampling.service_records_import(unit=official.unit, rows=rows, source="file")
    call_command("verify_audit", verbosity=0)
    raw(
        "INSERT INTO evaluation_smsinvitation (record_id, phone_hash, created_at, expires_at) "
        "VALUES (%s, %s, %s, '2099-01-01 00:00:00')",
        [ServiceRecord.objects.get().pk, sampling.phone_hash(PHONE), WHEN],
    )
    broken(f"sms invitations of unit {official.unit_id}: 1 more than the audited imports")


def test_attack_an_sms_record_or_invitation_deleted_in_the_database(
    official, django_capture_on_commit_callbacks
):
    _import(official, [PHONE], django_capture_on_commit_callbacks)
    call_command("verify_audit", verbosity=0)
    raw("DELETE FROM evaluation_smsinvitation")
    broken(f"sms invitations of unit {official.unit_id}: 1 fewer than the audited imports")


def test_attack_rule_settings_changed_in_the_database(site_pages):
    from wagtail.models import Site

    from cms.models import PortalSettings

    site = Site.objects.get(is_default_site=True)
    PortalSettings.for_site(site)
    raw("UPDATE cms_portalsettings SET warning_iii_month = 999")
    pk = PortalSettings.objects.get().pk
    broken(f"rules id={pk} has no audit-chain entry")


def test_attack_sealed_rule_settings_deleted_in_the_database(site_pages, office_user):
    """Deleting the office's row puts the defaults back (a lowered threshold undone)."""
    from wagtail.models import Site

    from cms.models import PortalSettings
    from cms.services import portal_rules_change

    row = PortalSettings.for_site(Site.objects.get(is_default_site=True))
    row.warning_iii_month = 5
    portal_rules_change(row=row, actor=office_user, reason="县效能办会议纪要")
    call_command("verify_audit", verbosity=0)
    raw("DELETE FROM cms_portalsettings")
    broken(f"rules id={row.pk} is in the audit chain but was removed")


def test_devices_and_dismissals_from_before_their_seals_are_sealed_by_the_migration(
    office_user, device, dismissed
):
    """evaluation migration 0012 seals the kiosk devices and dismissals a deployment holds."""
    import importlib

    from django.apps import apps

    from portal.audit.models import AuditEvent

    # as a deployment before the seals held them: no audit entry names them (a test database
    # holds nothing else in the trail, so the whole trail goes)
    raw("DELETE FROM audit_auditevent")
    raw("DELETE FROM audit_chainhead")
    broken("kiosk-device id=")
    migration = importlib.import_module(
        "portal.evaluation.migrations.0012_seal_kiosk_devices_dismissals"
    )
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # re-run: nothing sealed twice
    assert AuditEvent.objects.filter(action="seal_existing").count() == 2
    call_command("verify_audit", verbosity=0)
