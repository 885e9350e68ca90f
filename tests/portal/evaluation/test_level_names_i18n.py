"""Rating level names, dimensions and form labels follow the visitor's language; what is
stored stays the number."""

import pytest
from django.test import override_settings
from django.utils import translation

from portal.evaluation.models import Rating

from .conftest import GOOD

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.evaluation.urls")]


@pytest.fixture(autouse=True)
def _back_to_the_default_language(settings):
    # LocaleMiddleware activates English for the test client's requests in this thread
    yield
    translation.activate(settings.LANGUAGE_CODE)


def english(client, official):
    response = client.post("/i18n/setlang/", {"language": "en", "next": official.url})
    assert response.status_code == 302
    return client.get(official.url).content.decode()


def test_the_english_profile_shows_english_level_names_and_dimensions(client, official):
    chinese = client.get(official.url).content.decode()  # also fills the aggregates cache
    for name in ("满意", "基本满意", "不满意", "服务态度", "评价理由", "匿名评价"):
        assert name in chinese
    html = english(client, official)
    assert 'lang="en"' in html
    for name in (
        "Satisfied",
        "Basically satisfied",
        "Dissatisfied",
        "Service attitude",
        "Efficiency",
        "Work style",
        "5 very good",
        "1 very poor",
        "Reason for your rating",
        "Anonymously",
        "With my name",
    ):
        assert name in html, name
    for name in ("基本满意", "不满意", "服务态度", "5 很好", "匿名评价"):
        assert name not in html, name


@override_settings(RATING_SCALE="five")
def test_the_five_level_names_in_english(client, official):
    html = english(client, official)
    for name in (
        "Very satisfied",
        "Satisfied",
        "Basically satisfied",
        "Dissatisfied",
        "Very dissatisfied",
    ):
        assert f"> {name}</label>" in html, name  # the form's radio buttons
        assert f"<td>{name}</td>" in html, name  # the aggregates table
    assert "非常满意" not in html and "非常不满意" not in html


def test_a_rating_from_the_english_page_is_stored_as_the_level_number(client, official):
    english(client, official)
    assert client.post(f"/rate/{official.pk}/", GOOD).status_code == 302
    assert Rating.objects.get().level == 4
