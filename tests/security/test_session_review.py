"""Defects found in the adversarial review of the integration screens, department notices and
staff mobiles (and the unit-id parsing they share with older public pages): each test failed
before its fix."""

import itertools
import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from complaints.admin_views import SECRET_SESSION_KEY
from complaints.models import DepartmentEndpoint
from portal.accounts import roles
from portal.accounts.services import staff_user_create
from portal.core import crypto

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)

# '²' and '١' pass str.isdigit() but int('²') fails and Django refuses both as an id; 5000
# digits exceed Python's int() limit; 20 digits overflow SQLite's integer binding
HOSTILE_IDS = ["²", "١٢", "9" * 5000, "9" * 20]


def _user(role, unit=None):
    return staff_user_create(username=f"rv{next(_seq)}", role=role, password="pw-2026-x", unit=unit)


@pytest.fixture
def office():
    client = Client(raise_request_exception=False)
    client.force_login(_user(roles.OFFICE))
    return client


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_staff_mobiles_unit_filter_with_a_hostile_id_shows_all_units(office, value):
    """Was a 500: admin_views._unit passed any str.isdigit() value to the ORM."""
    response = office.get("/office/staff-mobiles/", {"unit": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_endpoint_registration_with_a_hostile_unit_id_is_a_message(office, value):
    """Was a 500 (same _unit helper)."""
    response = office.post(
        "/office/exchange/endpoints/new/",
        {"unit": value, "url": "https://oa.example.gov.cn/in"},
        follow=True,
    )
    assert response.status_code == 200
    assert "请选择一个存在的单位" in response.content.decode()
    assert DepartmentEndpoint.objects.count() == 0


def test_a_work_mobile_in_full_width_digits_is_stored_as_ascii_digits(office):
    """Full-width digits (a Chinese IME) are the digits meant: one phone rule for every form
    (portal.core.phone); what is stored and texted is ASCII only, never the typed form."""
    handler = _user(roles.DEPARTMENT)
    office.post(f"/office/staff-mobiles/{handler.pk}/", {"mobile": "1３８００１３８０００"})
    handler.refresh_from_db()
    assert handler.mobile == "13800138000"


@pytest.mark.parametrize("mobile", ["13٨٠٠١٣٨٠٠٠", "১৩৮০০১৩৮০০০"])
def test_a_work_mobile_in_non_ascii_digits_is_refused(office, mobile):
    """Was stored as typed (the check used \\d, which matches any Unicode digit) and would
    have gone to the SMS provider as such."""
    handler = _user(roles.DEPARTMENT)
    response = office.post(f"/office/staff-mobiles/{handler.pk}/", {"mobile": mobile}, follow=True)
    assert "请填写11位中国大陆手机号" in response.content.decode()
    handler.refresh_from_db()
    assert handler.mobile == ""


def test_a_shown_once_secret_waits_in_the_session_encrypted(office, make_unit):
    """The secret waited in the database session in clear text between the POST and the page
    that shows it (for good if that page was never opened), beside an endpoint table that
    stores it encrypted."""
    unit = make_unit()
    office.post(
        "/office/exchange/endpoints/new/",
        {"unit": str(unit.pk), "url": "https://oa.example.gov.cn/in"},
    )
    endpoint = DepartmentEndpoint.objects.get(unit=unit)
    secret = crypto.decrypt(endpoint.secret_enc)
    assert secret not in str(office.session.load())
    assert SECRET_SESSION_KEY in office.session.load()
    page = office.get("/office/secret/").content.decode()
    assert f"<code data-secret>{secret}</code>" in page


@pytest.mark.parametrize("value", ["²", "9" * 5000, "9" * 20])
@pytest.mark.parametrize("field", ["department", "official"])
def test_public_results_with_a_hostile_facet_id_are_not_a_500(client, field, value):
    """Older code, same mistake: /results/?department=² was a 500 for anyone."""
    client.raise_request_exception = False
    response = client.get("/results/", {field: value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "9" * 5000, "9" * 20])
def test_exchange_inbound_with_a_hostile_department_header_is_refused(client, value):
    """Older code, same mistake: an X-Department of '²' was a 500 instead of a 403."""
    client.raise_request_exception = False
    response = client.post(
        "/dept/exchange/inbound/", b"{}", content_type="application/json", HTTP_X_DEPARTMENT=value
    )
    assert response.status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once")
def test_a_double_submitted_endpoint_registration_is_a_message_not_a_500(make_unit):
    """Two registrations of one unit at once (a double click, two office users): the
    "already configured" check locks no row when there is none, so both passed it and the
    second insert hit the one-per-unit constraint: a 500, and the secret of the first,
    shown on a page the browser never opened, was lost."""
    office = Client(raise_request_exception=False)
    office.force_login(_user(roles.OFFICE))
    unit = make_unit()
    inserted, release = threading.Event(), threading.Event()

    def first_registration():
        try:
            with transaction.atomic():
                DepartmentEndpoint.objects.create(
                    unit=unit, url="https://a.example/", secret_enc=crypto.encrypt("s")
                )
                inserted.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_registration)
    thread.start()
    assert inserted.wait(10)
    threading.Timer(0.5, release.set).start()
    try:
        response = office.post(
            "/office/exchange/endpoints/new/",
            {"unit": str(unit.pk), "url": "https://b.example/"},
            follow=True,
        )
    finally:
        release.set()
        thread.join(10)
    assert response.status_code == 200
    assert "该单位已配置公文交换接口" in response.content.decode()
    assert DepartmentEndpoint.objects.get(unit=unit).url == "https://a.example/"


def _english_sidebar(client, user) -> str:
    """The Wagtail admin's sidebar menu, as text, for `user` with the admin in English."""
    import json

    from wagtail.users.models import UserProfile

    UserProfile.get_for_user(user)
    UserProfile.objects.filter(user=user).update(preferred_language="en")
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    props = html.split('id="wagtail-sidebar-props" type="application/json">')[1]
    menu = json.dumps(json.loads(props.split("</script>")[0]), ensure_ascii=False)
    assert '<html lang="en"' in html  # the admin is in English
    return menu


def test_the_new_admin_menu_items_follow_the_admin_language(client, make_unit):
    """The integration menu and the department notices item were plain Chinese strings: a
    user whose Wagtail admin is in English (WAGTAILADMIN_PERMITTED_LANGUAGES) saw them
    untranslated, though the catalog has them."""
    menu = _english_sidebar(client, _user(roles.OFFICE))
    assert "Integrations and notices" in menu and "Document delivery log" in menu
    assert "接口与通知设置" not in menu and "公文投递记录" not in menu
    menu = _english_sidebar(client, _user(roles.DEPARTMENT, unit=make_unit()))
    assert "Department notices" in menu and "部门通知" not in menu


# --- older back-office screens, same mistakes (found while probing the new ones) -------------


def _staff(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("assign", {"department": "²"}),
        ("transfer_request", {"to_unit": "9" * 5000}),
        ("assign", {"department": "9" * 20}),
        ("supervise", {"reason": "x", "deadline": "2026-02-30"}),
        ("supervise", {"reason": "x", "deadline": "2026-13-01"}),
        ("close", {"rectify_by": "2026-02-30"}),
        ("close", {"follow_up_on": "2026-04-31"}),
    ],
)
def test_a_case_action_with_a_hostile_unit_or_date_is_refused_not_a_500(world, action, data):
    """Was a 500: office_views._unit had the same str.isdigit() test, and parse_date raises
    ValueError for a well-formed impossible date (now each action's own form, issue 19)."""
    case = world["case"]
    state = case.state
    response = _staff(world["users"]["office"]).post(f"/admin/cases/{case.pk}/{action}/", data)
    assert response.status_code in (200, 302, 400)
    case.refresh_from_db()
    assert case.state == state


def test_batch_assign_and_bulk_sign_skip_hostile_case_ids(world):
    """Was a 500: int('²') after '²'.isdigit() (now Wagtail bulk actions, issue 19)."""
    query = "&".join(f"id={i}" for i in ["²", "9" * 5000, "9" * 20])
    for role, action in (("office", "assign"), ("dept_a", "sign")):
        url = f"/admin/bulk/complaints/case/{action}/?{query}"
        for method in ("get", "post"):
            response = getattr(_staff(world["users"][role]), method)(url)
            assert response.status_code in (200, 302, 400, 404), (role, method)


def test_the_public_roster_with_a_5000_digit_unit_id_is_not_a_500(client, make_official):
    """Was a 500: the roster's ASCII check ran int() on 5000 digits (over Python's limit)."""
    official = make_official()
    client.raise_request_exception = False
    roster_url = official.get_parent().url
    assert client.get(roster_url, {"unit": "9" * 5000}).status_code == 200
    assert official.title in client.get(roster_url, {"unit": "9" * 5000}).content.decode()


def test_phone_numbers_and_codes_keep_only_what_was_meant():
    from complaints.services.receipts import normalise_code
    from portal.core.phone import is_mobile, phone_normalise

    assert phone_normalise("１３８ ００１３ ８０００") == "13800138000"  # full-width, from an IME
    assert phone_normalise("+86 138-0013-8000") == "13800138000"
    assert not is_mobile("13٨٠٠١٣٨٠٠٠")  # Arabic-Indic digits are not a number we can text
    assert normalise_code("１２３４ 5678") == "12345678"
    assert normalise_code("12٣٤") == "12"
