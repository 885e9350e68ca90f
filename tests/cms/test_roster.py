"""The roster (/officials/), profiles and the Nanfeng-sized demo."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.demo import seed_content
from cms.models import OfficialPage, Unit
from cms.pinyin import name_initials, name_pinyin


@pytest.mark.parametrize(
    "name, initials, full",
    [
        ("张伟丽", "zwl", "zhangweili"),
        ("单雪", "sx", "shanxue"),
        ("曾志国", "zzg", "zengzhiguo"),
        ("欧阳明", "oym", "ouyangming"),
        ("", "", ""),
    ],
)
def test_pinyin_of_names(name, initials, full):
    assert name_initials(name) == initials
    assert name_pinyin(name) == full


@pytest.mark.django_db
def test_demo_roster_lists_470_officials_in_40_units_with_constant_queries(client):
    seed_content()
    assert Unit.objects.count() == 40
    assert OfficialPage.objects.live().count() == 470

    client.get("/officials/")  # warm the site and settings caches
    with CaptureQueriesContext(connection) as everything:
        response = client.get("/officials/?page=3")
    at_470 = len(everything)  # now: the next request clears the log it slices
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="name"') == 30  # a page of ROSTER_PER_PAGE
    assert "第 3 / 16 页" in html
    assert html.count('<li><a href="?unit=') == 40  # the jump list names every unit
    assert "县市场监督管理局" in html

    one_unit = Unit.objects.get(name="县公安局")
    with CaptureQueriesContext(connection) as filtered:
        response = client.get(f"/officials/?unit={one_unit.pk}")
    assert response.content.decode().count('class="unit-group"') == 1
    # a page of the 470 costs the same number of queries as the 12 of one unit
    assert at_470 == len(filtered) > 3

    # seeding again changes nothing
    before = list(OfficialPage.objects.order_by("pk").values_list("pk", "title", "post"))
    assert seed_content()["officials_created"] == 0
    assert list(OfficialPage.objects.order_by("pk").values_list("pk", "title", "post")) == before


@pytest.mark.django_db
def test_roster_finds_a_name_by_pinyin_initials(client, official, make_official):
    make_official(name="李明")
    html = client.get("/officials/?q=zwl").content.decode()
    assert "张伟丽" in html and "李明" not in html
    html = client.get("/officials/?q=张伟").content.decode()
    assert "张伟丽" in html and "李明" not in html


@pytest.mark.django_db
def test_roster_ignores_a_malformed_unit_filter(client, official):
    response = client.get("/officials/?unit=abc")
    assert response.status_code == 200
    assert "张伟丽" in response.content.decode()


@pytest.mark.django_db
def test_profile_shows_every_public_field(client, official):
    official.work_in_charge = "负责综合受理窗口"
    official.save()
    html = client.get(official.url).content.decode()
    for text in ("张伟丽", "女", "县政务服务中心", "主任", "负责综合受理窗口"):
        assert text in html


@pytest.mark.django_db
def test_profile_is_served_under_officials_slug(client, official):
    assert official.url == "/officials/zhangweili/"
    assert client.get("/officials/zhangweili/").status_code == 200


@pytest.mark.django_db
def test_home_links_to_rating_complaints_results_and_search(client, site_pages):
    html = client.get("/").content.decode()
    for href in ("/officials/", "/complaints/new/", "/complaints/track/", "/results/"):
        assert f'href="{href}"' in html
