import pytest
from django.core.management import call_command

from portal.evaluation import demo
from portal.evaluation.models import MonthlyReport, OfficialWarning, Rating

pytestmark = pytest.mark.django_db


def test_demo_ratings_are_idempotent_chained_and_raise_warnings(make_official, unit):
    for _ in range(4):
        make_official(unit=unit)
    assert demo.seed(progress=None)["ratings"] > 0
    count = Rating.objects.count()
    assert demo.seed(progress=None) == {"ratings": 0}
    assert Rating.objects.count() == count
    assert OfficialWarning.objects.filter(level="III", period_kind="month").exists()
    assert MonthlyReport.objects.count() == 1
    call_command("verify_audit")
