"""Open311's public read side shows only what the results page shows (issue 14).

Attacks through the real URLs: read every request and every id in the list, walk the
sequential tracking numbers, and check that nothing a person wrote, no exact location and no
internal reason comes out — only the office-reviewed, masked publication snapshot."""

import html
import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cms.models import Unit
from complaints.choices import CaseSource
from complaints.models import Case
from complaints.open311.clients import open311_client_create
from complaints.publication.services import outcome_unpublish
from complaints.services import case_submit
from complaints.services.workflow import case_reject
from complaints.services.workflow.closing import case_publication_set
from tests.complaints.publication.factories import case_closed, publish

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"

PHONE_WEB = "13812345678"
PHONE_WEB_2 = "13912345679"
ID_CARD = "36012119800101123X"
PHONE_O311 = "13700001111"
PHONE_PUBLISHED = "15011112222"
RAW_TITLE = f"窗口王科长推诿，我电话{PHONE_WEB}"
RAW_TEXT = f"我叫陈小明，身份证{ID_CARD}，电话{PHONE_WEB_2}，窗口三次推诿不办。"
O311_TEXT = f"政务中心不动产窗口无人办理，请回电{PHONE_O311}。"
O311_PUBLISHED_TEXT = f"办证大厅叫号机坏了一周，请回电{PHONE_O311}。"
O311_ADDRESS = "人民路18号3栋2单元"
EXACT_LAT, EXACT_LONG = "27.123456", "116.654321"
REJECT_REASON = "内部：疑似老上访户重复投诉，不予理睬"
WITHDRAW_REASON = "内部：涉及未成年人，撤回公开"
HELD_REASON = "内部：涉及在办案件，不公开"
ANSWER_RAW = f"已约谈窗口负责人，投诉人电话{PHONE_PUBLISHED}已回访。"
MASKED_TITLE = "某窗口工作人员推诿扯皮"
MASKED_SUMMARY = "投诉人反映某窗口工作人员推诿，一件事跑了三次。"
WITHDRAWN_TEXT = f"学校门口摊贩占道，孩子叫李小花，电话{PHONE_PUBLISHED}。"
HELD_TEXT = f"医保窗口刁难，联系人电话{PHONE_PUBLISHED}。"

# what a person wrote, exact places, internal reasons: never in any Open311 answer
SECRETS = [
    PHONE_WEB,
    PHONE_WEB_2,
    ID_CARD,
    PHONE_O311,
    PHONE_PUBLISHED,
    RAW_TITLE,
    "陈小明",
    "李小花",
    "政务中心不动产窗口无人办理",
    "学校门口摊贩占道",
    "医保窗口刁难",
    O311_ADDRESS,
    EXACT_LAT,
    EXACT_LONG,
    "27.12",
    "116.65",
    REJECT_REASON,
    WITHDRAW_REASON,
    HELD_REASON,
    "老上访户",
]
STRUCTURAL_DATES = {"requested_datetime", "updated_datetime", "expected_datetime"}
TRACKING_NUMBER = re.compile(r"^TS\d{8}-\d{4,}$")


@pytest.fixture
def api_key(db, category):
    return open311_client_create(name="市12345热线")[1]


def _post(client, api_key, category, **data):
    response = client.post(
        f"{BASE}/requests.json",
        {"api_key": api_key, "service_code": category.code, **data},
    )
    assert response.status_code == 201, response.content
    return Case.objects.get(number=response.json()[0]["service_request_id"])


@pytest.fixture
def world(client, api_key, category, make_unit, office_user, django_capture_on_commit_callbacks):
    """Every kind of case the brief names, made through the real services and URLs."""
    office = office_user
    units = [make_unit(name=n) for n in ("县人社局", "县住建局", "县城管局", "县医保局")]
    with django_capture_on_commit_callbacks(execute=True):
        # a web complaint with a phone and an ID number typed into title and text, still open
        web_open, _ = case_submit(
            category=category,
            title=RAW_TITLE,
            text=RAW_TEXT,
            unit=units[0],
            latitude=Decimal(EXACT_LAT),
            longitude=Decimal(EXACT_LONG),
        )
        # the same kind of complaint, closed and marked 可公开 but not yet published
        web_ready = case_closed(unit=units[0], title=RAW_TITLE, text=RAW_TEXT, actor=office)
        case_publication_set(case=web_ready, actor=office, ready=True)
        # an Open311 request with a phone number, an exact point and a street address
        o311_open = _post(
            client,
            api_key,
            category,
            description=O311_TEXT,
            lat=EXACT_LAT,
            long=EXACT_LONG,
            address_string=O311_ADDRESS,
        )
        # an Open311 request the office rejected with an internal reason
        o311_rejected = _post(client, api_key, category, description=O311_TEXT, address_id="A-1")
        case_reject(case=o311_rejected, actor=office, reason=REJECT_REASON)
        # a web complaint published with a masked title and text
        web_published = case_closed(
            unit=units[1], title=RAW_TITLE, text=RAW_TEXT, answer=ANSWER_RAW, actor=office
        )
        outcome = publish(web_published, actor=office, title=MASKED_TITLE, summary=MASKED_SUMMARY)
        # an Open311 request handled to the end and published (automatic masking)
        o311_published = case_closed(
            unit=units[2],
            text=O311_PUBLISHED_TEXT,
            actor=office,
            source=CaseSource.OPEN311,
            latitude=Decimal(EXACT_LAT),
            longitude=Decimal(EXACT_LONG),
            address_string=O311_ADDRESS,
            with_receipt=False,
        )
        o311_outcome = publish(o311_published, actor=office)
        # published, then withdrawn with an internal reason
        withdrawn = case_closed(unit=units[2], text=WITHDRAWN_TEXT, actor=office)
        outcome_unpublish(
            outcome=publish(withdrawn, actor=office), actor=office, reason=WITHDRAW_REASON
        )
        # an Open311 request published, then held back (不公开) by the office
        held = case_closed(
            unit=units[3],
            text=HELD_TEXT,
            actor=office,
            source=CaseSource.OPEN311,
            with_receipt=False,
        )
        publish(held, actor=office)
        case_publication_set(case=held, actor=office, ready=False, reason=HELD_REASON)
    return {
        "web_open": web_open,
        "web_ready": web_ready,
        "o311_open": o311_open,
        "o311_rejected": o311_rejected,
        "web_published": web_published,
        "outcome": outcome,
        "o311_published": o311_published,
        "o311_outcome": o311_outcome,
        "withdrawn": withdrawn,
        "held": held,
    }


def _public_text(client) -> str:
    """Everything the public results pages show: the list and each outcome it links to."""
    listing = client.get("/results/")
    assert listing.status_code == 200
    pages = [listing.content.decode()]
    for pk in sorted(set(re.findall(r'href="/results/(\d+)/"', pages[0]))):
        detail = client.get(f"/results/{pk}/")
        assert detail.status_code == 200
        pages.append(detail.content.decode())
    return html.unescape("\n".join(pages))


def _strings(value, key=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)
    elif isinstance(value, str):
        yield key, value


def _structural(key, value, *, codes, names, units) -> bool:
    if value == "":
        return True
    if key == "service_request_id":
        return bool(TRACKING_NUMBER.match(value))
    if key == "status":
        return value in ("open", "closed")
    if key == "service_code":
        return value in codes
    if key == "service_name":
        return value in names
    if key == "agency_responsible":
        return value in units  # the public directory of units
    if key in STRUCTURAL_DATES:
        return datetime.fromisoformat(value).tzinfo is not None
    return False


def test_public_open311_output_never_holds_what_the_results_page_would_not_show(client, world):
    public = _public_text(client)
    services = client.get(f"{BASE}/services.json").json()
    codes = {s["service_code"] for s in services}
    names = {s["service_name"] for s in services}
    units = set(Unit.objects.values_list("name", flat=True))

    listing = client.get(f"{BASE}/requests.json")
    assert listing.status_code == 200
    rows = listing.json()
    ids = [r["service_request_id"] for r in rows]
    bodies = [listing.content.decode(), client.get(f"{BASE}/requests.xml").content.decode()]
    details = []
    for request_id in ids:
        one = client.get(f"{BASE}/requests/{request_id}.json")
        assert one.status_code == 200
        details.extend(one.json())
        bodies.append(one.content.decode())
        bodies.append(client.get(f"{BASE}/requests/{request_id}.xml").content.decode())

    # every request stays listed and readable by id, as GeoReport v2 clients expect
    listed = {
        world[k].number
        for k in ("web_ready", "o311_open", "o311_rejected", "web_published", "o311_published")
    }
    assert listed | {world["withdrawn"].number, world["held"].number} == set(ids)

    for row in rows + details:
        assert row["lat"] is None and row["long"] is None, row  # never an exact point
        for key, value in _strings(row):
            assert _structural(key, value, codes=codes, names=names, units=units) or (
                value in public
            ), (row["service_request_id"], key, value)
    for body in bodies:
        for secret in SECRETS:
            assert secret not in body, secret

    by_id = {r["service_request_id"]: r for r in rows}
    published = by_id[world["web_published"].number]
    assert published["description"] == world["outcome"].summary == MASKED_SUMMARY
    assert published["status_notes"] == world["outcome"].answer
    assert world["outcome"].answer and world["outcome"].answer in public
    o311 = by_id[world["o311_published"].number]
    assert o311["description"] == world["o311_outcome"].summary
    assert (
        o311["description"].startswith("办证大厅叫号机坏了一周")
        and "〔手机号〕" in o311["description"]
    )
    for key in ("web_ready", "o311_open", "o311_rejected", "withdrawn", "held"):
        row = by_id[world[key].number]
        assert row["description"] in (None, ""), key
        assert row["status_notes"] in (None, ""), key
        assert row["address"] in (None, ""), key
    assert by_id[world["o311_rejected"].number]["status"] == "closed"
    assert by_id[world["o311_open"].number]["status"] == "open"


def test_walking_sequential_tracking_numbers_reads_nothing_a_person_wrote(client, world):
    day = timezone.localdate().strftime("%Y%m%d")
    seen = 0
    for n in range(1, 40):
        number = f"TS{day}-{n:04d}"
        for url in (
            f"{BASE}/requests/{number}.json",
            f"{BASE}/requests/{number}.xml",
            f"{BASE}/requests.json?service_request_id={number}",
        ):
            response = client.get(url)
            assert response.status_code in (200, 404), url
            body = response.content.decode()
            for secret in SECRETS:
                assert secret not in body, (url, secret)
            if response.status_code == 200 and url.endswith(".json") and "?" not in url:
                seen += 1
                row = response.json()[0]
                outcome = getattr(Case.objects.get(number=number), "published_outcome", None)
                if row["description"]:
                    assert outcome is not None and row["description"] == outcome.summary
    assert seen >= 7  # the walk did reach the requests


def test_open_web_complaints_stay_unlisted_and_unreadable_by_id(client, world):
    number = world["web_open"].number
    assert client.get(f"{BASE}/requests/{number}.json").status_code == 404
    listed = client.get(f"{BASE}/requests.json", {"service_request_id": number}).json()
    assert listed == []


def test_the_submitting_client_gets_the_same_public_view_with_its_api_key(client, world, api_key):
    number = world["o311_open"].number
    anonymous = client.get(f"{BASE}/requests/{number}.json").json()
    with_key = client.get(f"{BASE}/requests/{number}.json", {"api_key": api_key}).json()
    assert with_key == anonymous
    assert anonymous[0]["description"] in (None, "")
    listing = client.get(f"{BASE}/requests.json", {"api_key": api_key}).content.decode()
    assert PHONE_O311 not in listing and O311_ADDRESS not in listing


def test_a_withdrawn_outcome_disappears_from_open311_at_once(client, world, office_user):
    number = world["web_published"].number
    before = client.get(f"{BASE}/requests/{number}.json").json()[0]
    assert before["description"] == MASKED_SUMMARY
    outcome_unpublish(outcome=world["outcome"], actor=office_user, reason=WITHDRAW_REASON)
    after = client.get(f"{BASE}/requests/{number}.json").json()[0]
    assert after["description"] in (None, "") and after["status_notes"] in (None, "")
    assert after["status"] == "closed"
    assert MASKED_SUMMARY not in client.get(f"{BASE}/requests.json").content.decode()
