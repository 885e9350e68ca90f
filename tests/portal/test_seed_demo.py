"""seed_demo builds the Nanfeng-sized county and running it again changes nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from cms.models import OfficialPage, Unit
from complaints.publication.models import PublishedOutcome
from portal.accounts import roles
from portal.accounts.models import User
from portal.evaluation.models import OfficialWarning
from portal.evaluation.scores import ranking, unit_scores


def _row_counts():
    skip = {"sessions.session", "wagtailcore.modellogentry", "wagtailcore.referenceindex"}
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in skip and not model._meta.proxy
    }


@pytest.mark.django_db(transaction=True)
def test_seed_demo_is_nanfeng_sized_and_idempotent():
    call_command("seed_demo")
    assert Unit.objects.count() == 40
    assert OfficialPage.objects.live().count() == 470
    assert User.objects.filter(groups__name=roles.MONITOR).count() == 70
    assert User.objects.filter(groups__name=roles.DEPARTMENT, unit__isnull=False).count() == 40
    # what a visitor sees (issue 21): real-looking results, scores that differ in both years,
    # the two-year rule at work, a few warnings
    titles = list(PublishedOutcome.objects.values_list("title", flat=True))
    assert len(titles) >= 40 and not [t for t in titles if "演示" in t]
    year = timezone.localdate().year
    for y in (year - 1, year):
        scores = {row.score for row in unit_scores(year=y)}
        assert len(scores) > 4 and min(scores) < 90, y
    assert ranking(year=year)["removal"]  # in the ten worst this year and the last
    assert OfficialWarning.objects.values("official__unit").distinct().count() >= 3
    first = _row_counts()
    call_command("seed_demo")
    assert _row_counts() == first
