"""Issue 17, red team on PostgreSQL: the same kiosk tap, the same SMS reply and the same
clerk's "open" sent at one moment from several connections still count once."""

import json
import threading

import pytest
from django.db import connection, connections
from django.test import override_settings

from portal.accounts import roles
from portal.evaluation import kiosks, sampling
from portal.evaluation.models import KioskTransaction, Rating
from portal.evaluation.services import RatingData

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "provider-secret"
PHONE = "13912345678"
THREADS = 6


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SELECT … FOR UPDATE); SQLite serialises writes")


def _at_once(call):
    barrier, errors = threading.Barrier(THREADS), []

    def run():
        try:
            barrier.wait()
            call()
        except Exception as exc:  # collected: refusals are expected, counted by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(THREADS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return errors


@pytest.fixture
def device(office_user, official):
    device, _token = kiosks.kiosk_device_issue(actor=office_user, unit=official.unit, name="一号")
    return device


@pytest.fixture
def clerk(make_user, official):
    return make_user(roles.DEPARTMENT, unit=official.unit)


def test_one_transaction_tapped_from_six_connections_is_one_rating(official, device, clerk):
    kiosks.kiosk_transaction_open(actor=clerk, device=device, official=official)
    errors = _at_once(lambda: kiosks.kiosk_rate(device=device, data=RatingData(level=4)))
    assert Rating.objects.filter(channel="kiosk").count() == 1
    assert len(errors) == THREADS - 1
    assert {getattr(e, "code", None) for e in errors} == {"no-transaction"}


@override_settings(KIOSK_TRANSACTIONS_PER_HOUR=3)
def test_the_hourly_limit_holds_when_opened_at_once(official, device, clerk):
    _at_once(lambda: kiosks.kiosk_transaction_open(actor=clerk, device=device, official=official))
    assert KioskTransaction.objects.filter(device=device).count() == 3


@override_settings(SMS_INBOUND_SECRET=SECRET, SMS_SAMPLING_RATE=1.0)
@pytest.mark.parametrize("same_message", [True, False])
def test_one_reply_delivered_six_times_at_once_is_one_rating(official, same_message):
    rows = [
        sampling.record_row_parse(
            row=1,
            unit=official.unit,
            external_id="RACE-1",
            phone=PHONE,
            finished_at="2026-12-01 09:30",
            official=official,
        )
    ]
    sampling.service_records_import(unit=official.unit, rows=rows, source="file")
    from portal.evaluation.models import SmsInvitation
    from portal.evaluation.sampling_send import sms_invitation_send

    sms_invitation_send(invitation_id=SmsInvitation.objects.get().pk)
    counter = iter(range(THREADS))

    def deliver():
        message_id = "m-1" if same_message else f"m-{next(counter)}"
        body = json.dumps({"message_id": message_id, "phone": PHONE, "text": "1"}).encode()
        sampling.sms_reply_receive(signature_header=sampling.signature(SECRET, body), body=body)

    errors = _at_once(deliver)
    assert not errors, errors
    assert Rating.objects.filter(channel="sms").count() == 1
