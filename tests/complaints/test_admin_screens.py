"""The office's integration screens: Open311 clients, document-exchange endpoints, the delivery
log (with "retry now") and staff work mobiles. Keys and secrets are shown once and work against
the real Open311 API and inbound endpoint; a local HTTP server plays the department system."""

import hashlib
import json

import pytest
from django.core.management import call_command

from complaints.choices import CaseState
from complaints.models import Delivery, DeliveryStatus, DepartmentEndpoint, Open311Client
from complaints.services.workflow import case_accept, case_assign
from portal.accounts import roles
from portal.audit.models import AuditEvent
from tests.complaints.test_exchange import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept(make_unit):
    return make_unit(name="县住房和城乡建设局")


@pytest.fixture
def office(client, office_user):
    client.force_login(office_user)
    return client


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _followed(response) -> str:
    return _page(response)


def _open311_post(client, category, key):
    return client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": category.code,
            "lat": "27.218",
            "long": "116.533",
            "description": "不动产登记窗口排队三小时无人办理。",
        },
    )


def _register_client(office, name="市12345热线"):
    html = _page(office.post("/office/open311-clients/new/", {"name": name}, follow=True))
    client = Open311Client.objects.get(name=name)
    key = html.split("<code data-secret>")[1].split("</code>")[0]
    return client, key, html


# --- Open311 clients ------------------------------------------------------------------------


def test_office_registers_an_open311_client_sees_the_key_once_and_the_key_works(
    office, client, category, office_user
):
    registered, key, html = _register_client(office)
    assert "api_key" in html and "无法再次查看" in html
    # reloading the page that showed the key neither shows it again nor registers another
    again = _page(office.get("/office/secret/", follow=True))
    assert key not in again and "只显示一次" in again
    assert Open311Client.objects.count() == 1
    # only the hash is stored, and the list never shows the key again
    assert registered.key_hash == hashlib.sha256(key.encode()).hexdigest()
    listing = _page(office.get("/office/open311-clients/"))
    assert "市12345热线" in listing and key not in listing
    event = AuditEvent.objects.get(chain=f"open311-client:{registered.pk}")
    assert event.action == "open311_client.register" and event.actor_id == office_user.pk
    assert key not in json.dumps(event.after)

    office.logout()
    assert _open311_post(client, category, key).status_code == 201


def test_deactivated_client_key_is_refused_and_works_again_once_reactivated(
    office, client, category
):
    registered, key, _html = _register_client(office)
    html = _followed(
        office.post(
            f"/office/open311-clients/{registered.pk}/active/", {"active": "0"}, follow=True
        )
    )
    assert "已停用：市12345热线" in html
    registered.refresh_from_db()
    assert not registered.active
    refused = _open311_post(client, category, key)
    assert refused.status_code == 403
    office.post(f"/office/open311-clients/{registered.pk}/active/", {"active": "1"})
    assert _open311_post(client, category, key).status_code == 201
    actions = list(
        AuditEvent.objects.filter(chain=f"open311-client:{registered.pk}")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "open311_client.register",
        "open311_client.active_set",
        "open311_client.active_set",
    ]


def test_a_client_without_a_name_is_refused_with_a_chinese_message(office):
    html = _followed(office.post("/office/open311-clients/new/", {"name": "  "}, follow=True))
    assert "请填写客户端名称" in html
    assert not Open311Client.objects.exists()


def test_the_management_command_registers_through_the_same_audited_service(capsys):
    call_command("open311_client_register", "县便民服务热线")
    out = capsys.readouterr().out
    key = out.split("api_key=")[1].strip()
    registered = Open311Client.objects.get(name="县便民服务热线")
    assert registered.key_hash == hashlib.sha256(key.encode()).hexdigest()
    event = AuditEvent.objects.get(chain=f"open311-client:{registered.pk}")
    assert event.actor_label == "manage.py"


# --- document-exchange endpoints ------------------------------------------------------------


def _register_endpoint(office, dept, url):
    html = _page(
        office.post("/office/exchange/endpoints/new/", {"unit": dept.pk, "url": url}, follow=True)
    )
    assert "签名密钥" in html and "无法再次查看" in html
    return html.split("<code data-secret>")[1].split("</code>")[0]


def _assign(make_case, office_user, dept, capture):
    case, _ = make_case()
    case = case_accept(case=case, actor=office_user)
    with capture(execute=True):
        return case_assign(case=case, actor=office_user, department=dept)


def _inbound(client, dept, secret, case, key):
    from complaints.services.delivery import sign

    body = json.dumps(
        {"idempotency_key": key, "action": "sign", "case_number": case.number}
    ).encode()
    return client.post(
        "/dept/exchange/inbound/",
        body,
        content_type="application/json",
        HTTP_X_DEPARTMENT=str(dept.pk),
        HTTP_X_SIGNATURE=sign(secret, body),
    )


def test_registered_endpoint_receives_the_assignment_and_its_secret_signs_replies(
    office, client, dept, make_case, office_user, django_capture_on_commit_callbacks
):
    receiver = Receiver()
    try:
        secret = _register_endpoint(office, dept, receiver.url)
        listing = _page(office.get("/office/exchange/endpoints/"))
        assert receiver.url in listing and secret not in listing
        case = _assign(make_case, office_user, dept, django_capture_on_commit_callbacks)
    finally:
        receiver.close()
    assert len(receiver.received) == 1
    office.logout()
    response = _inbound(client, dept, secret, case, "reply-1")
    assert response.status_code == 200 and response.json()["state"] == CaseState.SIGNED
    endpoint = DepartmentEndpoint.objects.get(unit=dept)
    assert AuditEvent.objects.filter(
        chain=f"exchange-endpoint:{dept.pk}", action="exchange_endpoint.register"
    ).exists()
    assert secret not in json.dumps(
        list(AuditEvent.objects.filter(object_id=str(endpoint.pk)).values("before", "after"))
    )


def test_rotating_the_secret_refuses_the_old_signature_and_accepts_the_new(
    office, client, dept, make_case, office_user, django_capture_on_commit_callbacks
):
    old = _register_endpoint(office, dept, "http://127.0.0.1:9/none")
    case = _assign(make_case, office_user, dept, django_capture_on_commit_callbacks)
    endpoint = DepartmentEndpoint.objects.get(unit=dept)
    html = _page(office.post(f"/office/exchange/endpoints/{endpoint.pk}/rotate/", follow=True))
    assert "旧密钥已作废" in html
    new = html.split("<code data-secret>")[1].split("</code>")[0]
    assert new != old
    assert _inbound(client, dept, old, case, "r-old").status_code == 403
    assert _inbound(client, dept, new, case, "r-new").status_code == 200
    assert AuditEvent.objects.filter(
        chain=f"exchange-endpoint:{dept.pk}", action="exchange_endpoint.rotate_secret"
    ).exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"url": "ftp://files.example.com/in"}, "接收地址无效"),
        ({"url": "不是网址"}, "接收地址无效"),
        ({"url": ""}, "接收地址无效"),
        ({"url": "https://dept.example.com/" + "a" * 300}, "接收地址无效"),
        ({"unit": "999999", "url": "https://dept.example.com/in"}, "请选择一个存在的单位"),
        ({"unit": "abc", "url": "https://dept.example.com/in"}, "请选择一个存在的单位"),
        ({"unit": "", "url": "https://dept.example.com/in"}, "请选择一个存在的单位"),
    ],
)
def test_bad_endpoint_forms_get_a_chinese_message_not_an_error_page(office, dept, data, message):
    data = {"unit": str(dept.pk), **data}
    html = _followed(office.post("/office/exchange/endpoints/new/", data, follow=True))
    assert message in html
    assert not DepartmentEndpoint.objects.exists()


def test_a_second_endpoint_for_the_same_unit_is_refused(office, dept):
    _register_endpoint(office, dept, "https://dept.example.com/in")
    html = _followed(
        office.post(
            "/office/exchange/endpoints/new/",
            {"unit": dept.pk, "url": "https://other.example.com/in"},
            follow=True,
        )
    )
    assert "该单位已配置公文交换接口" in html
    assert DepartmentEndpoint.objects.get(unit=dept).url == "https://dept.example.com/in"


def test_changing_the_url_sends_new_assignments_there_and_a_bad_url_is_refused(
    office, dept, make_case, office_user, django_capture_on_commit_callbacks
):
    _register_endpoint(office, dept, "http://127.0.0.1:9/old")
    endpoint = DepartmentEndpoint.objects.get(unit=dept)
    bad = _followed(
        office.post(
            f"/office/exchange/endpoints/{endpoint.pk}/url/", {"url": "javascript:x"}, follow=True
        )
    )
    assert "接收地址无效" in bad
    receiver = Receiver()
    try:
        html = _followed(
            office.post(
                f"/office/exchange/endpoints/{endpoint.pk}/url/", {"url": receiver.url}, follow=True
            )
        )
        assert "接收地址已修改" in html
        _assign(make_case, office_user, dept, django_capture_on_commit_callbacks)
    finally:
        receiver.close()
    assert len(receiver.received) == 1
    event = AuditEvent.objects.get(
        chain=f"exchange-endpoint:{dept.pk}", action="exchange_endpoint.url_change"
    )
    assert event.before == {"url": "http://127.0.0.1:9/old"}
    assert event.after == {"url": receiver.url}


def test_a_deactivated_endpoint_refuses_replies_and_gets_no_new_assignments(
    office, client, dept, make_case, office_user, django_capture_on_commit_callbacks
):
    secret = _register_endpoint(office, dept, "http://127.0.0.1:9/none")
    endpoint = DepartmentEndpoint.objects.get(unit=dept)
    case = _assign(make_case, office_user, dept, django_capture_on_commit_callbacks)
    html = _followed(
        office.post(
            f"/office/exchange/endpoints/{endpoint.pk}/active/", {"active": "0"}, follow=True
        )
    )
    assert "已停用" in html
    assert _inbound(client, dept, secret, case, "r-1").status_code == 403
    second = _assign(make_case, office_user, dept, django_capture_on_commit_callbacks)
    assert not Delivery.objects.filter(document__case=second).exists()
    office.post(f"/office/exchange/endpoints/{endpoint.pk}/active/", {"active": "1"})
    assert _inbound(client, dept, secret, case, "r-2").status_code == 200


# --- delivery log -----------------------------------------------------------------------------


def test_the_delivery_log_lists_status_attempts_and_errors_and_filters_by_status(
    office, dept, make_unit, make_case, office_user, django_capture_on_commit_callbacks
):
    down, up = Receiver(fail=1000), Receiver()
    other = make_unit(name="县教育体育局")
    try:
        _register_endpoint(office, dept, down.url)
        _register_endpoint(office, other, up.url)
        pending_case = _assign(make_case, office_user, dept, django_capture_on_commit_callbacks)
        delivered_case = _assign(make_case, office_user, other, django_capture_on_commit_callbacks)
    finally:
        down.close()
        up.close()
    everything = _page(office.get("/office/exchange/deliveries/"))
    assert pending_case.number in everything and delivered_case.number in everything
    assert "HTTP 503" in everything and "待投递" in everything and "已送达" in everything
    pending = _page(office.get("/office/exchange/deliveries/?status=pending"))
    assert pending_case.number in pending and delivered_case.number not in pending
    assert "立即重试" in pending
    delivered = _page(office.get("/office/exchange/deliveries/?status=delivered"))
    assert delivered_case.number in delivered and pending_case.number not in delivered
    assert "立即重试" not in delivered
    # an unknown filter value shows everything rather than failing
    assert pending_case.number in _page(office.get("/office/exchange/deliveries/?status=x'"))


def test_retry_now_attempts_a_pending_delivery_again(
    office, dept, make_case, office_user, django_capture_on_commit_callbacks
):
    receiver = Receiver(fail=1000)
    try:
        _register_endpoint(office, dept, receiver.url)
        case = _assign(make_case, office_user, dept, django_capture_on_commit_callbacks)
        delivery = Delivery.objects.get(document__case=case)
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
        with django_capture_on_commit_callbacks(execute=True):
            office.post(f"/office/exchange/deliveries/{delivery.pk}/retry/")
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 2)
        receiver.fail = 0
        with django_capture_on_commit_callbacks(execute=True):
            response = office.post(
                f"/office/exchange/deliveries/{delivery.pk}/retry/", {"status": "pending"}
            )
        assert response["Location"] == "/office/exchange/deliveries/?status=pending"
    finally:
        receiver.close()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 3)
    assert delivery.delivered_at is not None and len(receiver.received) == 1
    assert (
        AuditEvent.objects.filter(
            chain=f"exchange-endpoint:{dept.pk}", action="exchange_delivery.retry"
        ).count()
        == 2
    )
    again = _followed(office.post(f"/office/exchange/deliveries/{delivery.pk}/retry/", follow=True))
    assert "只有待投递的记录可以重新投递" in again


# --- staff work mobiles -----------------------------------------------------------------------


def test_office_records_a_handlers_work_mobile_and_bad_numbers_are_refused(office, make_user, dept):
    handler = make_user(roles.DEPARTMENT, unit=dept)
    listing = _page(office.get(f"/office/staff-mobiles/?unit={dept.pk}"))
    assert handler.username in listing
    bad = _followed(
        office.post(f"/office/staff-mobiles/{handler.pk}/", {"mobile": "12345"}, follow=True)
    )
    assert "请填写11位中国大陆手机号" in bad
    handler.refresh_from_db()
    assert handler.mobile == ""
    ok = _followed(
        office.post(
            f"/office/staff-mobiles/{handler.pk}/", {"mobile": "139 1234 5678"}, follow=True
        )
    )
    assert "已保存" in ok
    handler.refresh_from_db()
    assert handler.mobile == "13912345678"
    event = AuditEvent.objects.get(chain=f"user:{handler.pk}", action="user.mobile_set")
    # the trail records the change, not the number
    assert event.after == {"mobile": "139****5678"}
    office.post(f"/office/staff-mobiles/{handler.pk}/", {"mobile": ""})
    handler.refresh_from_db()
    assert handler.mobile == ""


def test_a_monitor_account_gets_no_work_mobile(office, make_user):
    monitor = make_user(roles.MONITOR)
    response = office.post(f"/office/staff-mobiles/{monitor.pk}/", {"mobile": "13912345678"})
    assert response.status_code == 404
    monitor.refresh_from_db()
    assert monitor.mobile == ""


# --- who may use the screens --------------------------------------------------------------


def test_the_integrations_menu_is_shown_to_the_office_only(office_user, make_user, dept, rf):
    from complaints.wagtail_hooks import register_integrations_menu_item

    item = register_integrations_menu_item()
    request = rf.get("/admin/")
    request.user = office_user
    assert item.is_shown(request)
    for role in (roles.DEPARTMENT, roles.MONITOR, roles.EDITOR, roles.LEADER):
        request.user = make_user(role, unit=dept if role == roles.DEPARTMENT else None)
        assert not item.is_shown(request), role


SCREENS_GET = [
    "/office/open311-clients/",
    "/office/exchange/endpoints/",
    "/office/exchange/deliveries/",
    "/office/staff-mobiles/",
]


@pytest.mark.parametrize(
    "role", [roles.DEPARTMENT, roles.MONITOR, roles.EDITOR, roles.LEADER, None]
)
def test_other_roles_are_refused_every_screen_and_action(
    client, make_user, dept, role, office_user, django_capture_on_commit_callbacks, make_case
):
    from complaints.open311.clients import open311_client_create
    from complaints.services.exchange import endpoint_create

    registered, _key = open311_client_create(name="热线", actor=office_user)
    endpoint, _secret = endpoint_create(unit=dept, url="http://127.0.0.1:9/x", actor=office_user)
    _assign(make_case, office_user, dept, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    handler = make_user(roles.DEPARTMENT, unit=dept)
    posts = [
        ("/office/open311-clients/new/", {"name": "偷偷登记"}),
        (f"/office/open311-clients/{registered.pk}/active/", {"active": "0"}),
        ("/office/exchange/endpoints/new/", {"unit": dept.pk, "url": "https://x.example.com"}),
        (f"/office/exchange/endpoints/{endpoint.pk}/url/", {"url": "https://x.example.com"}),
        (f"/office/exchange/endpoints/{endpoint.pk}/rotate/", {}),
        (f"/office/exchange/endpoints/{endpoint.pk}/active/", {"active": "0"}),
        (f"/office/exchange/deliveries/{delivery.pk}/retry/", {}),
        (f"/office/staff-mobiles/{handler.pk}/", {"mobile": "13912345678"}),
    ]
    if role is not None:
        client.force_login(make_user(role, unit=dept if role == roles.DEPARTMENT else None))
    for url in SCREENS_GET:
        response = client.get(url)
        if role is None:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url
        else:
            assert response.status_code == 404, (url, response.status_code)
    for url, data in posts:
        response = client.post(url, data)
        if role is None:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url
        else:
            assert response.status_code == 404, (url, response.status_code)
    # nothing changed
    assert Open311Client.objects.count() == 1 and Open311Client.objects.get().active
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.url == "http://127.0.0.1:9/x"
    assert DepartmentEndpoint.objects.count() == 1
    handler.refresh_from_db()
    assert handler.mobile == ""
    assert Delivery.objects.get().attempts == 1


def test_a_switched_off_endpoint_receives_nothing_until_switched_on_again(
    office, dept, make_case, office_user, django_capture_on_commit_callbacks
):
    from complaints.services.delivery import delivery_attempt
    from complaints.services.exchange import delivery_resume

    receiver = Receiver(fail=1)  # the first delivery fails (503): it stays pending
    try:
        _register_endpoint(office, dept, receiver.url)
        _assign(make_case, office_user, dept, django_capture_on_commit_callbacks)
        delivery = Delivery.objects.get()
        assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
        endpoint = DepartmentEndpoint.objects.get(unit=dept)
        office.post(f"/office/exchange/endpoints/{endpoint.pk}/active/", {"active": "0"})
        # neither "retry now", the task nor the hourly resume sends to a switched-off receiver
        office.post(f"/office/exchange/deliveries/{delivery.pk}/retry/")
        assert delivery_attempt(delivery=delivery) is False
        assert delivery_resume() == 0
        delivery.refresh_from_db()
        assert receiver.received == [] and delivery.attempts == 1
        assert delivery.status == DeliveryStatus.PENDING and "停用" in delivery.last_error
        office.post(f"/office/exchange/endpoints/{endpoint.pk}/active/", {"active": "1"})
        with django_capture_on_commit_callbacks(execute=True):
            assert delivery_resume() == 1
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.DELIVERED and len(receiver.received) == 1
    finally:
        receiver.close()
