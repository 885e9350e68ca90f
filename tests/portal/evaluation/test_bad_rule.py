"""差评 has one owner: the QuerySet method and the Q expression agree with rules.is_bad."""

import pytest
from django.db.models import Count

from portal.evaluation import rules
from portal.evaluation.models import Rating, bad_rating_q, good_rating_q


@pytest.mark.django_db
@pytest.mark.parametrize("scale", ["three", "five"])
def test_bad_queryset_and_q_count_exactly_the_levels_the_rule_calls_bad(
    settings, rate, official, scale
):
    settings.RATING_SCALE = scale
    for level, _ in rules.levels_for(scale):
        rate(official, level=level)
    expected = sorted(rules.bad_levels(scale))
    assert sorted(Rating.objects.bad().values_list("level", flat=True)) == expected
    counts = Rating.objects.aggregate(
        bad=Count("id", filter=bad_rating_q()), good=Count("id", filter=good_rating_q())
    )
    assert counts["bad"] == len(expected)
    assert counts["good"] == len(
        [lv for lv, _ in rules.levels_for(scale) if lv >= rules.GOOD_LEVEL_MIN]
    )
    assert [r.is_bad for r in Rating.objects.order_by("level")] == [
        rules.is_bad(lv) for lv in sorted(lv for lv, _ in rules.levels_for(scale))
    ]
