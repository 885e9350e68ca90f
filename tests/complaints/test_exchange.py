"""Document exchange with a department's own system: signed envelopes that survive an outage,
and signed replies back. The receiver is a real local HTTP server."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from complaints.choices import CaseState
from complaints.models import Delivery, DeliveryStatus
from complaints.services.delivery import sign
from complaints.services.exchange import delivery_resume, endpoint_create
from complaints.services.workflow import case_accept, case_assign
from complaints.tasks.followups import document_deliver_task
from portal.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


class Receiver:
    """A department system that answers 503 `fail` times, then 200."""

    def __init__(self, fail=0):
        self.fail, self.received = fail, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.fail > 0:
                    receiver.fail -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                receiver.received.append((dict(self.headers), body))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/inbox"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def dept(make_unit):
    return make_unit(name="县交通运输局")


def _assign(make_case, office_user, dept, capture):
    case, _ = make_case()
    case = case_accept(case=case, actor=office_user)
    with capture(execute=True):
        return case_assign(case=case, actor=office_user, department=dept)


def test_assignment_is_delivered_as_a_signed_envelope_after_the_receiver_recovers(
    make_case, office_user, dept, django_capture_on_commit_callbacks
):
    receiver = Receiver(fail=2)
    try:
        _, secret = endpoint_create(actor=None, unit=dept, url=receiver.url)
        case = _assign(make_case, office_user, dept, django_capture_on_commit_callbacks)
        delivery = Delivery.objects.get(document__case=case)
        assert delivery.status == DeliveryStatus.PENDING and delivery.last_error == "HTTP 503"
        # the daily resume (and the worker's back-off retries) try again; the resume queues
        # through the outbox, which sends after commit
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                delivery_resume()
        assert delivery_resume() == 0  # nothing pending any more
    finally:
        receiver.close()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert headers["X-Signature"] == sign(secret, body)
    assert headers["X-Idempotency-Key"] == str(delivery.idempotency_key)
    payload = json.loads(body)
    assert payload["case"]["number"] == case.number
    assert base64.b64decode(payload["pdf_base64"]).startswith(b"%PDF")
    assert "contact" not in body.decode()


def test_nothing_is_lost_while_the_receiver_is_down(
    make_case, office_user, dept, django_capture_on_commit_callbacks
):
    receiver = Receiver(fail=1000)
    endpoint_create(actor=None, unit=dept, url=receiver.url)
    case = _assign(make_case, office_user, dept, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(document__case=case)
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.last_error == "HTTP 503"
    receiver.fail = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_resume() == 1
    receiver.close()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and len(receiver.received) == 1


def test_resuming_deliveries_keeps_each_task_in_the_outbox_until_the_broker_takes_it(
    make_case, office_user, dept, django_capture_on_commit_callbacks
):
    receiver = Receiver(fail=1000)
    try:
        endpoint_create(actor=None, unit=dept, url=receiver.url)
        _assign(make_case, office_user, dept, django_capture_on_commit_callbacks)
        delivery = Delivery.objects.get()
        queued = OutboxMessage.objects.filter(task_name=document_deliver_task.name)
        before = queued.count()
        assert delivery_resume() == 1
        # stored with its delivery id, not handed to the broker directly: a broker outage
        # during the daily resume loses nothing
        assert queued.count() == before + 1
        assert queued.order_by("-id").first().kwargs["delivery_id"] == delivery.pk
    finally:
        receiver.close()


def test_department_system_replies_with_a_signed_answer(
    client, make_case, office_user, dept, django_capture_on_commit_callbacks, make_unit
):
    receiver = Receiver()
    _, secret = endpoint_create(actor=None, unit=dept, url=receiver.url)
    case = _assign(make_case, office_user, dept, django_capture_on_commit_callbacks)
    receiver.close()

    def post(data, key=secret, unit=dept):
        body = json.dumps(data).encode()
        return client.post(
            "/dept/exchange/inbound/",
            body,
            content_type="application/json",
            HTTP_X_DEPARTMENT=str(unit.pk),
            HTTP_X_SIGNATURE=sign(key, body),
        )

    sign_msg = {"idempotency_key": "k-1", "action": "sign", "case_number": case.number}
    assert post(sign_msg, key="wrong").status_code == 403
    assert post(sign_msg).json()["state"] == CaseState.SIGNED
    assert post(sign_msg).json()["replayed"] is True  # the same key twice applies once
    answer = {
        "idempotency_key": "k-2",
        "action": "answer",
        "case_number": case.number,
        "answer": "已修复路灯",
        "finding": "true",
    }
    assert post(answer).json()["state"] == CaseState.ANSWERED
    bad = post({"idempotency_key": "k-3", "action": "answer", "case_number": case.number})
    assert bad.status_code == 400
    other = make_unit(name="县水利局")
    _, other_secret = endpoint_create(actor=None, unit=other, url=receiver.url)
    stolen = post(
        {"idempotency_key": "k-4", "action": "sign", "case_number": case.number},
        key=other_secret,
        unit=other,
    )
    assert stolen.status_code == 403


@pytest.mark.parametrize(
    "retries,seconds", [(0, 30), (1, 60), (2, 120), (6, 1920), (7, 3600), (20, 3600)]
)
def test_retry_back_off_is_exponential_and_capped(retries, seconds):
    from complaints.tasks import retry_countdown

    assert retry_countdown(retries) == seconds


def test_departments_without_an_endpoint_work_in_the_back_office_only(
    make_case, office_user, dept, django_capture_on_commit_callbacks
):
    case = _assign(make_case, office_user, dept, django_capture_on_commit_callbacks)
    assert not Delivery.objects.filter(document__case=case).exists()


def test_idempotency_keys_belong_to_their_endpoint(
    client, make_case, office_user, make_unit, django_capture_on_commit_callbacks
):
    """Attack on the old code: keys were global, so unit B's correctly signed reply that reused
    A's key came back "replayed" with A's case state, and B's own reply was never applied."""
    receiver = Receiver()
    unit_a, unit_b = make_unit(name="县交通运输局"), make_unit(name="县水利局")
    _, secret_a = endpoint_create(actor=None, unit=unit_a, url=receiver.url)
    _, secret_b = endpoint_create(actor=None, unit=unit_b, url=receiver.url)
    case_a = _assign(make_case, office_user, unit_a, django_capture_on_commit_callbacks)
    case_b = _assign(make_case, office_user, unit_b, django_capture_on_commit_callbacks)
    receiver.close()

    def post(data, key, unit):
        body = json.dumps(data).encode()
        return client.post(
            "/dept/exchange/inbound/",
            body,
            content_type="application/json",
            HTTP_X_DEPARTMENT=str(unit.pk),
            HTTP_X_SIGNATURE=sign(key, body),
        )

    shared = "2026-0001"
    a = post(
        {"idempotency_key": shared, "action": "sign", "case_number": case_a.number},
        secret_a,
        unit_a,
    )
    assert a.json() == {"case_number": case_a.number, "state": CaseState.SIGNED, "replayed": False}
    b = post(
        {"idempotency_key": shared, "action": "sign", "case_number": case_b.number},
        secret_b,
        unit_b,
    )
    assert b.status_code == 200
    assert b.json() == {"case_number": case_b.number, "state": CaseState.SIGNED, "replayed": False}
    case_b.refresh_from_db()
    assert case_b.state == CaseState.SIGNED
    # the same endpoint reusing its key for another action is refused, not "replayed"
    reused = post(
        {"idempotency_key": shared, "action": "start", "case_number": case_a.number},
        secret_a,
        unit_a,
    )
    assert reused.status_code == 409


def test_the_envelope_carries_the_complaints_attachments_and_the_offices_notes(
    make_case, office_user, dept, django_capture_on_commit_callbacks
):
    """Issue 20: the department's system gets the complainant's files (embedded, as stored:
    metadata already stripped) and what the office wrote for it; the signature covers them."""
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from complaints.services.delivery import envelope
    from complaints.services.workflow import case_sign, supervision_open
    from portal.accounts import roles
    from tests.complaints.conftest import image_bytes
    from tests.factories import StaffUserFactory

    photo = SimpleUploadedFile("现场.jpg", image_bytes(exif_gps=True), "image/jpeg")
    case, _ = make_case(files=[photo])
    case = case_accept(case=case, actor=office_user)
    endpoint_create(actor=None, unit=dept, url="http://127.0.0.1:9/inbox")  # nobody listens
    with django_capture_on_commit_callbacks(execute=True):
        case = case_assign(
            case=case, actor=office_user, department=dept, reason="请重点核查窗口值班记录"
        )
    handler = StaffUserFactory(role=roles.DEPARTMENT, unit=dept)
    case = case_sign(case=case, actor=handler)
    supervision_open(
        case=case, actor=office_user, reason="群众多次反映，请加快办理", deadline=case.deadline
    )
    payload = json.loads(envelope(delivery=Delivery.objects.get(document__case=case)))

    att = case.attachments.get()
    with att.file.open("rb") as fh:
        stored = fh.read()
    [sent] = payload["attachments"]
    data = base64.b64decode(sent["data_base64"])
    assert data == stored and sent["sha256"] == hashlib.sha256(stored).hexdigest()
    assert sent["content_type"] == "image/jpeg" and sent["name"].startswith(case.number)
    assert b"GPS" not in data and "现场" not in sent["name"]  # stripped at intake, no file name
    notes = {n["kind"]: n["text"] for n in payload["office_notes"]}
    assert notes == {
        "assignment": "请重点核查窗口值班记录",
        "supervision": "群众多次反映，请加快办理",
    }
    assert "contact" not in json.dumps(payload)
