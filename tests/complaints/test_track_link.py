"""The follow-up page keeps its capability out of every URL: the signed 30-minute token travels
in an HttpOnly cookie scoped to /complaints/track/, never in a path or a query, so it is not in
nginx's access log, the browser's history or a Referer. The case page's URL, its forms and its
file links carry no token; an old link with a token in the path is moved into the cookie and
redirected to the token-free page; a browser without the cookie sees no case there."""

import pytest

from complaints.services import track_token_make

pytestmark = pytest.mark.django_db

CASE_URL = "/complaints/track/case/"


def _open(client, number, code):
    return client.post("/complaints/track/", {"number": number, "code": code})


def test_tracking_lands_on_a_token_free_page(client, make_case):
    case, receipt = make_case()
    token = track_token_make(case=case)
    response = _open(client, case.number, receipt.code)
    assert response.status_code == 302
    assert response["Location"] == CASE_URL
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert case.number in html
    # no token (nor its signed payload) anywhere in the page: forms and file links included
    payload = token.split(":")[0]
    assert payload not in html and payload not in response["Location"]
    cookie = response.cookies["track"]
    assert cookie["httponly"] and cookie["path"] == "/complaints/track/"
    assert cookie["samesite"] == "Strict"


def test_the_case_page_without_the_cookie_shows_no_case(client, make_case):
    case, receipt = make_case()
    _open(client, case.number, receipt.code)
    other = type(client)()
    response = other.get(CASE_URL)
    assert response.status_code == 302 and response["Location"] == "/complaints/track/"
    assert case.number not in other.get(CASE_URL, follow=True).content.decode()


def test_an_old_link_with_the_token_in_the_path_moves_it_into_the_cookie(client, make_case):
    case, _ = make_case()
    token = track_token_make(case=case)
    response = client.get(f"/complaints/track/{token}/")
    assert response.status_code == 302 and response["Location"] == CASE_URL
    page = client.get(CASE_URL)
    assert page.status_code == 200 and case.number in page.content.decode()
    assert token.split(":")[0] not in page.content.decode()


def test_a_message_posted_from_the_token_free_page_returns_there(client, make_case):
    case, receipt = make_case()
    _open(client, case.number, receipt.code)
    response = client.post(CASE_URL + "message/", {"text": "请问处理到哪一步了？"})
    assert response.status_code == 302 and response["Location"] == CASE_URL
    assert "请问处理到哪一步了" in client.get(CASE_URL).content.decode()


def test_a_bad_cookie_shows_no_case(client, make_case):
    client.cookies["track"] = "forged:token"
    assert client.get(CASE_URL).status_code == 302
    assert client.post(CASE_URL + "message/", {"text": "x"}).status_code in (302, 404)


@pytest.mark.parametrize(
    "tail,method",
    [("message/", "post"), ("callback/", "post"), ("retaliation/", "post"), ("files/1/", "get")],
)
def test_a_token_copied_from_a_log_opens_no_action_path(client, make_case, tail, method):
    """A token that reached an access log (links issued before the cookie) is no capability
    for actions: the token-in-path action routes are gone; only the landing link, which moves
    the token into the cookie of whoever opens it, remains for old links."""
    case, _ = make_case()
    token = track_token_make(case=case)
    response = getattr(client, method)(f"/complaints/track/{token}/{tail}", {"text": "x"})
    assert response.status_code == 404
