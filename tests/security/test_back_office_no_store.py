"""Back-office answers are never kept by a browser or a proxy: every response under the staff
prefixes (the Wagtail admin, the office desk, the department inbox) and every response to a
signed-in staff member carries Cache-Control: no-store and Pragma: no-cache — above all the
case page showing a complainant's decrypted phone number. Public pages stay cacheable."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _no_store(response):
    return "no-store" in response.get("Cache-Control", "") and response.get("Pragma") == (
        "no-cache"
    )


def test_office_case_page_with_decrypted_phone_is_no_store(client, world):
    client.force_login(world["users"]["office"])
    response = client.get(reverse("cases:case", args=[world["case"].pk]))
    assert response.status_code == 200
    assert "13512345678" in response.content.decode()  # the decrypted contact is on the page
    assert _no_store(response)


def test_department_case_page_is_no_store(client, world):
    client.force_login(world["users"]["dept_a"])
    response = client.get(reverse("cases:case", args=[world["case"].pk]))
    assert response.status_code == 200
    assert _no_store(response)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("office", "/admin/"),
        ("office", "/admin/cases/"),
        ("office", "/admin/cases/results/"),
        ("dept_a", "/admin/cases/inbox/"),
        ("office", "/admin/evaluation/office/"),
        ("office", "/admin/evaluation/reports/"),
        ("office", "/office/results/"),
        ("office", "/office/staff-mobiles/"),
        ("leader", "/admin/evaluation/warnings/"),
    ],
)
def test_every_back_office_page_is_no_store(client, world, role, url):
    client.force_login(world["users"][role])
    response = client.get(url)
    assert response.status_code < 500
    assert _no_store(response), (url, response.status_code, response.get("Cache-Control"))


@pytest.mark.parametrize(
    "url", ["/admin/login/", "/office/", "/dept/", "/admin/pages/", "/admin/cases/"]
)
def test_back_office_answers_to_anonymous_visitors_are_no_store_too(client, world, url):
    response = client.get(url)
    assert _no_store(response), (url, response.status_code)


def test_a_staff_member_reading_a_public_page_gets_no_store(client, world):
    # a signed-in page may show the staff member's name or links: never into a shared cache
    client.force_login(world["users"]["office"])
    response = client.get("/results/")
    assert response.status_code == 200
    assert _no_store(response)


@pytest.mark.parametrize("url", ["/", "/results/", "/stats/"])
def test_public_pages_stay_cacheable(client, world, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Pragma" not in response
