"""Wuhan's SMS sampling channel: service records in, invitations out, a reply "1/2/3" in."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from portal.core import sms
from portal.evaluation import sampling
from portal.evaluation.models import Rating, ServiceRecord, SmsInvitation

pytestmark = pytest.mark.django_db
SECRET = "provider-secret"
PHONE = "13912345678"


def _post_reply(client, payload, secret=SECRET):
    body = json.dumps(payload).encode()
    return client.post(
        "/sms/inbound/",
        body,
        content_type="application/json",
        HTTP_X_SMS_SIGNATURE=sampling.signature(secret, body),
    )


@pytest.fixture
def invited(official, django_capture_on_commit_callbacks):
    """One service record of `official`, sampled (rate 1) and texted."""
    rows = [
        sampling.record_row_parse(
            row=1,
            unit=official.unit,
            external_id="BJ-0001",
            phone=PHONE,
            finished_at="2026-12-01 09:30",
            official=official,
        )
    ]
    with override_settings(SMS_SAMPLING_RATE=1.0), django_capture_on_commit_callbacks(execute=True):
        result = sampling.service_records_import(unit=official.unit, rows=rows, source="file")
    assert result == {"created": 1, "skipped": 0, "invited": 1, "no_official": 0}
    return SmsInvitation.objects.get()


@override_settings(SMS_INBOUND_SECRET=SECRET)
def test_the_loop_record_invitation_reply_one_rating_even_delivered_twice(
    client, invited, official
):
    assert len(sms.outbox) == 1 and sms.outbox[0]["phone"] == PHONE
    assert "回复数字" in sms.outbox[0]["text"] and official.unit.name in sms.outbox[0]["text"]
    payload = {"message_id": "prov-42", "phone": PHONE, "text": "1"}
    first = _post_reply(client, payload)
    assert first.status_code == 200 and first.json() == {"result": "rated", "replayed": False}
    again = _post_reply(client, payload)  # the provider delivers it a second time
    assert again.status_code == 200 and again.json()["replayed"] is True
    rating = Rating.objects.get()
    assert (rating.channel, rating.level, rating.official_id) == ("sms", 4, official.pk)
    # another message id from the same phone: the invitation is answered already
    assert _post_reply(client, {**payload, "message_id": "prov-43"}).json()["result"] == (
        "no-invitation"
    )
    assert Rating.objects.count() == 1


@override_settings(SMS_INBOUND_SECRET=SECRET)
def test_the_sampled_rating_stores_no_phone(client, invited):
    _post_reply(client, {"message_id": "m1", "phone": PHONE, "text": "3 窗口态度差"})
    rating = Rating.objects.get()
    assert rating.level == 2 and rating.reason == "窗口态度差" and rating.anonymous
    stored = json.dumps(rating.payload(), ensure_ascii=False)
    assert PHONE not in stored and PHONE[-8:] not in stored
    assert not hasattr(rating, "contact") or not Rating.objects.filter(contact__isnull=False)
    record = ServiceRecord.objects.get()
    assert PHONE not in record.phone_encrypted  # encrypted at rest


@override_settings(SMS_INBOUND_SECRET=SECRET)
def test_a_bad_signature_or_junk_is_refused(client, invited):
    payload = {"message_id": "m2", "phone": PHONE, "text": "1"}
    assert _post_reply(client, payload, secret="forged").status_code == 403
    body = json.dumps(payload).encode()
    unsigned = client.post("/sms/inbound/", body, content_type="application/json")
    assert unsigned.status_code == 403
    junk = b"not json"
    bad = client.post(
        "/sms/inbound/",
        junk,
        content_type="application/json",
        HTTP_X_SMS_SIGNATURE=sampling.signature(SECRET, junk),
    )
    assert bad.status_code == 400
    assert Rating.objects.count() == 0
    assert _post_reply(client, {**payload, "text": "好"}).json()["result"] == "unparsed"
    assert client.get("/sms/inbound/").status_code == 405


def test_no_secret_configured_switches_the_webhook_off(client, invited):
    assert _post_reply(client, {"message_id": "m3", "phone": PHONE, "text": "1"}).status_code == 404


def test_the_window_system_feed_is_signed_and_idempotent(client, official, office_user):
    endpoint, secret = sampling.window_endpoint_set(unit=official.unit, actor=office_user)
    body = json.dumps(
        {
            "records": [
                {
                    "external_id": "W-1",
                    "phone": PHONE,
                    "finished_at": "2026-12-01T10:00:00+08:00",
                    "official_id": official.pk,
                },
                {"external_id": "W-2", "phone": "13800001111", "finished_at": "2026-12-01 11:00"},
            ]
        }
    ).encode()

    def post(sig, unit=official.unit_id):
        return client.post(
            "/sampling/records/",
            body,
            content_type="application/json",
            HTTP_X_UNIT=str(unit),
            HTTP_X_SIGNATURE=sig,
        )

    assert post(sampling.signature("wrong", body)).status_code == 403
    assert post(sampling.signature(secret, body), unit="abc").status_code == 403
    with override_settings(SMS_SAMPLING_RATE=0.0):
        first = post(sampling.signature(secret, body))
        assert first.status_code == 200 and first.json()["created"] == 2
        again = post(sampling.signature(secret, body))
    assert again.json() == {"created": 0, "skipped": 2, "invited": 0, "no_official": 0}
    assert ServiceRecord.objects.count() == 2 and SmsInvitation.objects.count() == 0


def test_the_office_imports_a_csv_and_an_xlsx(client, official, office_user, make_user):
    from openpyxl import Workbook

    from portal.accounts import roles

    client.force_login(office_user)
    csv_file = SimpleUploadedFile(
        "r.csv",
        f"办件编号,手机号,办结时间,工作人员\nC-1,{PHONE},2026-12-01 09:00,{official.title}\n".encode(
            "utf-8-sig"
        ),
    )
    with override_settings(SMS_SAMPLING_RATE=1.0):
        response = client.post(
            "/admin/evaluation/sampling/", {"unit": official.unit_id, "file": csv_file}, follow=True
        )
    assert "已导入 1 条办件" in response.content.decode()
    book = Workbook()
    book.active.append(["办件编号", "手机号", "办结时间"])
    book.active.append(["X-1", 13800001111, "2026-12-02 10:00"])
    out = io.BytesIO()
    book.save(out)
    xlsx = SimpleUploadedFile("r.xlsx", out.getvalue())
    client.post("/admin/evaluation/sampling/", {"unit": official.unit_id, "file": xlsx})
    assert ServiceRecord.objects.count() == 2 and SmsInvitation.objects.count() == 1
    bad = SimpleUploadedFile("r.csv", "办件编号,手机号,办结时间\nB-1,123,昨天\n".encode())
    refused = client.post("/admin/evaluation/sampling/", {"unit": official.unit_id, "file": bad})
    assert refused.status_code == 400 and "第 2 行：手机号不正确" in refused.content.decode()
    for role in (roles.DEPARTMENT, roles.LEADER, roles.EDITOR):
        client.force_login(make_user(role, unit=official.unit))
        assert client.get("/admin/evaluation/sampling/").status_code in (403, 404)


@override_settings(SMS_BACKEND="portal.core.sms.ConsoleBackend", SMS_INBOUND_SECRET=SECRET)
def test_the_console_backend_shows_the_loop(
    client, official, capsys, django_capture_on_commit_callbacks
):
    row = sampling.record_row_parse(
        row=1,
        unit=official.unit,
        external_id="D-1",
        phone=PHONE,
        finished_at="2026-12-01 09:30",
        official=official,
    )
    with override_settings(SMS_SAMPLING_RATE=1.0), django_capture_on_commit_callbacks(execute=True):
        sampling.service_records_import(unit=official.unit, rows=[row], source="file")
    printed = capsys.readouterr().out
    assert "[SMS to 139****5678]" in printed and "1 满意，2 基本满意，3 不满意" in printed
    assert (
        _post_reply(client, {"message_id": "d1", "phone": PHONE, "text": "2"}).json()["result"]
        == "rated"
    )
    assert Rating.objects.get().level == 3


def test_the_office_issues_a_window_system_secret_once(client, official, office_user):
    from portal.audit.models import AuditEvent

    client.force_login(office_user)
    response = client.post(
        "/admin/evaluation/sampling/", {"endpoint": "1", "endpoint-unit": official.unit_id}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'class="endpoint-secret"' in html
    assert "no-store" in response["Cache-Control"]
    assert (
        'class="endpoint-secret"' not in client.get("/admin/evaluation/sampling/").content.decode()
    )
    assert AuditEvent.objects.filter(action="window_endpoint_set").count() == 1


@pytest.mark.django_db(transaction=True)  # the invitations are sent after commit (outbox)
@override_settings(SMS_INBOUND_SECRET=SECRET)
def test_the_demo_command_runs_the_loop_once_per_reply(official):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("sms_sampling_demo", records=2, stdout=out)
    assert "2 rating(s)" in out.getvalue() and "'replayed': True" in out.getvalue()
    assert Rating.objects.filter(channel="sms").count() == 2
    assert len(sms.outbox) == 2
    call_command("verify_audit", verbosity=0)  # records and invitations match their imports


@override_settings(SMS_INBOUND_SECRET=SECRET, SERVICE_RECORD_PHONE_DAYS=7)
def test_a_records_phone_is_forgotten_after_its_days_and_the_reply_still_counts(
    client, invited, official
):
    """A database holder a week later finds no phone on the service record (red team #17:
    records kept their encrypted phone for ever); the invitation's answer still works within
    its window, as the reply is matched by the invitation's keyed hash, not the record."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from portal.audit.models import AuditEvent
    from portal.evaluation.sampling_send import service_record_phones_forget, sms_invitation_send

    record = ServiceRecord.objects.get()
    assert record.phone_encrypted  # kept while the invitation may still need texting
    assert service_record_phones_forget() == 0
    assert service_record_phones_forget(now=timezone.now() + timedelta(days=8)) == 1
    record.refresh_from_db()
    assert record.phone_encrypted == ""
    event = AuditEvent.objects.get(action="service_record_phones_forget")
    assert event.after["forgotten"] == 1 and PHONE not in json.dumps(event.after)
    assert service_record_phones_forget(now=timezone.now() + timedelta(days=9)) == 0
    reply = _post_reply(client, {"message_id": "prov-7", "phone": PHONE, "text": "1"})
    assert reply.json()["result"] == "rated"
    call_command("verify_audit", verbosity=0)  # the counts the imports audited still hold
    # a send retried after that finds no phone and texts nothing
    SmsInvitation.objects.filter(pk=invited.pk).update(sent_at=None)
    sms.outbox.clear()
    assert sms_invitation_send(invitation_id=invited.pk) is False and sms.outbox == []
