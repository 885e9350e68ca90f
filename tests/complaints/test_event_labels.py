"""The case timeline names its events for people: the office's case page, the department's
case page and the complainant's tracking page never show a raw audit event name
(`case.message`) or a raw actor kind (`complainant`)."""

import re

import pytest

from complaints.choices import MessageAuthor
from complaints.events import EVENT_LABELS, PUBLIC_EVENTS
from complaints.services.thread import message_post
from complaints.services.workflow import case_accept, case_assign
from portal.accounts import roles

pytestmark = pytest.mark.django_db

RAW = re.compile(r"\b(case|outcome)\.[a-z_]+\b")


@pytest.fixture
def assigned(make_case, make_user, make_unit, office_user):
    dept = make_unit(name="县人社局")
    handler = make_user(roles.DEPARTMENT, unit=dept)
    case, receipt = make_case()
    message_post(case=case, author_kind=MessageAuthor.COMPLAINANT, text="补充材料：窗口无人")
    case = case_accept(case=case, actor=office_user)
    case = case_assign(case=case, actor=office_user, department=dept)
    return {"case": case, "receipt": receipt, "handler": handler, "office": office_user}


def _timeline(html: str) -> str:
    found = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S)
    assert found, "no timeline on the page"
    return found.group(1)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_staff_case_pages_name_every_event(client, assigned, lang):
    case = assigned["case"]
    client.cookies["django_language"] = lang
    for user, url in (
        (assigned["office"], f"/admin/cases/{case.pk}/"),
        (assigned["handler"], f"/admin/cases/{case.pk}/"),
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        timeline = _timeline(response.content.decode())
        assert not RAW.search(timeline), RAW.search(timeline).group(0)
        assert "(complainant)" not in timeline
        assert str(EVENT_LABELS["case.message"]) in timeline or "Message" in timeline


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_tracking_page_names_events_and_keeps_internal_ones_out(client, assigned, lang):
    case, receipt = assigned["case"], assigned["receipt"]
    client.cookies["django_language"] = lang
    opened = client.post(
        "/complaints/track/", {"number": case.number, "code": receipt.code_display}
    )
    page = client.get(opened["Location"])
    assert page.status_code == 200
    timeline = _timeline(page.content.decode())
    assert not RAW.search(timeline)
    assert str(EVENT_LABELS["case.message"]) not in timeline  # internal event stays internal


def test_every_public_event_has_a_label():
    assert PUBLIC_EVENTS <= set(EVENT_LABELS)
