"""Drive /open311/v2/ as an external GeoReport v2 client would, from the spec
(http://wiki.open311.org/GeoReport_v2), not from our code."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from complaints.models import Case
from complaints.open311.clients import open311_client_create
from portal.core import crypto

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


@pytest.fixture
def api_key(db, category):
    _, key = open311_client_create(name="市12345热线")
    return key


def _errors_json(response):
    body = response.json()
    assert isinstance(body, list) and body
    assert set(body[0]) == {"code", "description"}
    return body


def _iso_with_zone(value):
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


def test_discovery_lists_the_endpoint_and_both_formats(client):
    body = client.get(f"{BASE}/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert "GeoReport_v2" in endpoint["specification"]
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = ET.fromstring(client.get(f"{BASE}/discovery.xml").content)
    assert root.tag == "discovery"
    assert root.find("endpoints/endpoint/url") is not None


def test_service_list_and_definition_in_json_and_xml(client, category):
    services = client.get(f"{BASE}/services.json").json()
    codes = {s["service_code"] for s in services}
    assert category.code in codes
    for s in services:
        assert {
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        } <= set(s)
    root = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert root.tag == "services"
    assert category.code in [el.text for el in root.findall("service/service_code")]
    definition = client.get(f"{BASE}/services/{category.code}.json").json()
    assert definition["service_code"] == category.code and "attributes" in definition
    missing = client.get(f"{BASE}/services/no-such-service.json")
    assert missing.status_code == 404
    _errors_json(missing)


def test_post_a_request_with_api_key_then_read_it_back(client, category, api_key):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": api_key,
            "service_code": category.code,
            "lat": "27.218",
            "long": "116.533",
            "description": "不动产登记窗口排队三小时无人办理。",
            "email": "citizen@example.com",
            "first_name": "小明",
            "last_name": "陈",
            "phone": "13700000000",
            "device_id": "device-XYZ-123",
            "account_id": "acct-987",
        },
    )
    assert response.status_code == 201
    created = response.json()[0]
    request_id = created["service_request_id"]
    assert request_id and "service_notice" in created
    # stored encrypted; device and account ids never stored
    case = Case.objects.get(number=request_id)
    assert crypto.decrypt(case.contact_email_enc) == "citizen@example.com"
    row = str(Case.objects.filter(pk=case.pk).values().get())
    assert "device-XYZ-123" not in row and "acct-987" not in row and "13700000000" not in row

    one = client.get(f"{BASE}/requests/{request_id}.json").json()
    assert len(one) == 1
    item = one[0]
    assert item["service_request_id"] == request_id and item["status"] == "open"
    assert item["service_code"] == category.code
    # the read side is public: no text and no location until the office publishes a masked
    # snapshot (issue 14; tests/complaints/open311/test_public_read_side.py)
    assert item["description"] is None and item["status_notes"] is None
    assert item["lat"] is None and item["long"] is None and item["address"] is None
    _iso_with_zone(item["requested_datetime"])
    _iso_with_zone(item["updated_datetime"])

    root = ET.fromstring(client.get(f"{BASE}/requests/{request_id}.xml").content)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text == request_id
    assert root.find("request/status").text == "open"

    token = created["token"]
    by_token = client.get(f"{BASE}/tokens/{token}.json").json()
    assert by_token == [{"service_request_id": request_id, "token": token}]


def test_post_in_xml_answers_in_xml(client, category, api_key):
    response = client.post(
        f"{BASE}/requests.xml",
        {
            "api_key": api_key,
            "service_code": category.code,
            "address_string": "县政务中心二楼",
            "description": "窗口人员玩手机。",
        },
    )
    assert response.status_code == 201
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text.startswith("TS")


@pytest.mark.parametrize(
    "change,status,word",
    [
        ({"api_key": "wrong-key"}, 403, "api_key"),
        ({"api_key": None}, 403, "api_key"),
        ({"service_code": "no-such-service"}, 404, "service_code"),
        ({"service_code": None}, 400, "service_code"),
        ({"lat": None, "long": None}, 400, "location"),
        ({"long": None}, 400, "lat and long"),
        ({"lat": "north"}, 400, "lat"),
        ({"lat": "123"}, 400, "lat"),
        ({"description": None}, 400, "description"),
        ({"description": "长" * 4001}, 400, "4000"),
    ],
)
def test_malformed_posts_get_the_specs_errors(client, category, api_key, change, status, word):
    data = {
        "api_key": api_key,
        "service_code": category.code,
        "lat": "27.2",
        "long": "116.5",
        "description": "窗口服务差。",
    }
    for key, value in change.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == status
    body = _errors_json(response)
    assert body[0]["code"] == status and word in body[0]["description"]
    xml = client.post(f"{BASE}/requests.xml", data)
    assert xml.status_code == status
    root = ET.fromstring(xml.content)
    assert root.tag == "errors" and root.find("error/code").text == str(status)
    assert not Case.objects.exists()


def test_description_of_exactly_4000_characters_is_accepted(client, category, api_key):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": api_key,
            "service_code": category.code,
            "address_id": "A-17",
            "description": "长" * 4000,
        },
    )
    assert response.status_code == 201


def test_keyless_posting_follows_the_setting(client, category, settings):
    data = {
        "service_code": category.code,
        "address_string": "县城东门",
        "description": "路边摊占道，城管不作为。",
    }
    settings.OPEN311_ANONYMOUS_POST = False
    assert client.post(f"{BASE}/requests.json", data).status_code == 403
    settings.OPEN311_ANONYMOUS_POST = True
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 201
    assert Case.objects.get().anonymous


def test_get_requests_filters(client, category, api_key, office_user):
    from complaints.models import Category
    from complaints.services.workflow import case_reject

    other = Category.objects.get(code="service-attitude")
    ids = []
    for code in (category.code, other.code, category.code):
        r = client.post(
            f"{BASE}/requests.json",
            {
                "api_key": api_key,
                "service_code": code,
                "address_string": "某地",
                "description": "反映问题",
            },
        )
        ids.append(r.json()[0]["service_request_id"])
    closed = Case.objects.get(number=ids[2])
    case_reject(case=closed, actor=office_user, reason="重复")
    Case.objects.filter(number=ids[0]).update(submitted_at=timezone.now() - timedelta(days=10))

    def listed(**params):
        return [r["service_request_id"] for r in client.get(f"{BASE}/requests.json", params).json()]

    assert set(listed()) == set(ids)
    assert sorted(listed(service_request_id=f"{ids[0]},{ids[1]}")) == sorted(ids[:2])
    assert set(listed(service_code=category.code)) == {ids[0], ids[2]}
    assert set(listed(status="closed")) == {ids[2]}
    assert set(listed(status="open")) == {ids[0], ids[1]}
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert set(listed(start_date=since)) == {ids[1], ids[2]}
    until = (timezone.now() - timedelta(days=5)).isoformat()
    assert listed(end_date=until) == [ids[0]]
    bad = client.get(f"{BASE}/requests.json", {"start_date": "yesterday"})
    assert bad.status_code == 400
    _errors_json(bad)
    assert client.get(f"{BASE}/requests.json", {"status": "fixed"}).status_code == 400
    assert client.get(f"{BASE}/requests/TS19990101-0001.json").status_code == 404


def test_web_complaints_are_not_listed_through_open311(client, make_case):
    case, _ = make_case()
    assert client.get(f"{BASE}/requests.json").json() == []
    assert client.get(f"{BASE}/requests/{case.number}.json").status_code == 404
