"""Issue 22: the official 100-point score keeps its order; beside it, a ranking by the Wilson
lower bound of the satisfaction rate puts a large unit with a good rate above a small one with
a bad rate."""

import re

import pytest
from django.utils import timezone

from portal.evaluation import scores
from portal.evaluation.choices import ViolationKind

from .conftest import next_day
from .test_reports import good, verify_true
from .test_warnings import bad

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue_units(make_unit, make_official, office_user, settings):
    """交通运输局: 72 ratings, 8 不满意 (88.9 %), 1 verified + 1 violation = 87 points.
    发改委: 40 ratings, 9 不满意 (77.5 %), none verified = 100 points."""
    settings.RANKING_MIN_RATINGS = 1
    settings.RANKING_FAIR_MIN_RATINGS = 30
    day = timezone.localdate().replace(day=1)
    transport = make_official(unit=make_unit(name="县交通运输局"))
    reform = make_official(unit=make_unit(name="县发展和改革委员会"))
    good(transport, 64, day)
    verify_true(bad(transport, 8, day)[:1], office_user)
    scores.violation_record(
        unit=transport.unit, kind=ViolationKind.FORCED_GOOD, actor=office_user, occurred_on=day
    )
    good(reform, 31, day)
    bad(reform, 9, day)
    return transport.unit, reform.unit


def test_wilson_lower_bound_is_lower_with_fewer_ratings():
    assert scores.wilson_lower_bound(satisfied=0, total=0) is None
    small = scores.wilson_lower_bound(satisfied=8, total=10)
    large = scores.wilson_lower_bound(satisfied=800, total=1000)
    assert small < large < 80.0
    assert round(scores.wilson_lower_bound(satisfied=64, total=72), 1) == 79.6


def test_fair_ranking_puts_the_large_good_unit_above_the_small_bad_one(issue_units):
    transport, reform = issue_units
    result = scores.ranking(year=timezone.localdate().year)
    rows = {r.unit_id: r for r in result["rows"]}
    assert (rows[transport.pk].score, rows[transport.pk].satisfaction_pct) == (87, 88.9)
    assert (rows[reform.pk].score, rows[reform.pk].satisfaction_pct) == (100, 77.5)
    # official rule unchanged: 发改委 (100) before 交通运输局 (87)
    official_order = [r.unit_id for r in result["rows"]]
    assert official_order.index(reform.pk) < official_order.index(transport.pk)
    fair_order = [r.unit_id for r in result["fair"]["rows"]]
    assert fair_order == [transport.pk, reform.pk]


def test_fair_ranking_leaves_out_units_below_the_minimum(issue_units, settings):
    settings.RANKING_FAIR_MIN_RATINGS = 50
    transport, reform = issue_units
    fair = scores.ranking(year=timezone.localdate().year)["fair"]
    assert [r.unit_id for r in fair["rows"]] == [transport.pk]
    assert reform.pk in {r.unit_id for r in fair["unranked"]}


@pytest.mark.urls("tests.portal.evaluation.urls")
def test_public_rankings_page_shows_both_and_explains_the_method(client, issue_units, site_pages):
    year = timezone.localdate().year
    with next_day(40):  # closed days only; next month at the latest
        html = client.get(f"/rankings/?year={year}").content.decode()
    assert "十优满意单位" in html  # the official lists stay
    fair = html[html.index('data-table="fair"') :]
    fair = fair[: fair.index("</table>")]
    assert fair.index("县交通运输局") < fair.index("县发展和改革委员会")
    assert "Wilson" in html and "30 条" in html
    assert re.search(r"88\.9%</td><td>79\.6%", fair)
