"""Red team, leak 1: the public figures (profile counts, /rankings/) must not move with each
rating, or a watcher of the page ties a rating to the citizen who just left the window. Only
ratings of closed days (before today's local midnight) count; the figures change once a day.
"""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from .conftest import BAD, GOOD

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.evaluation.urls")]

LEVEL_2 = re.compile(r'<td data-level="2">(\d+)</td>')


def _later(days=1):
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days))


def _bad_count(client, official):
    return int(LEVEL_2.search(client.get(official.url).content.decode()).group(1))


def test_a_rating_does_not_move_the_public_profile_before_the_day_is_over(
    client, official, django_capture_on_commit_callbacks
):
    before = _bad_count(client, official)
    citizen = client.__class__()
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen.post(
            f"/rate/{official.pk}/", {**BAD, "reason": "推诿"}, REMOTE_ADDR="10.9.0.1"
        )
    assert response.status_code == 302
    assert _bad_count(client, official) == before  # same day: unchanged
    with _later():
        assert _bad_count(client, official) == before + 1  # the day closed: counted


def test_the_public_ranking_counts_only_closed_days(client, official, settings, site_pages):
    settings.RANKING_MIN_RATINGS = 1
    for i in range(2):
        assert (
            client.__class__()
            .post(f"/rate/{official.pk}/", GOOD, REMOTE_ADDR=f"10.8.0.{i + 1}")
            .status_code
            == 302
        )
    html = client.get("/rankings/").content.decode()
    assert f'data-unit="{official.unit_id}"' not in html  # today's ratings: not yet counted
    with _later():
        html = client.get("/rankings/").content.decode()
    row = re.search(rf'<tr data-unit="{official.unit_id}">(.*?)</tr>', html).group(1)
    assert "<td>2</td>" in row
