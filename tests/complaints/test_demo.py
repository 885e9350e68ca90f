import pytest

from complaints.demo import seed
from complaints.models import Case
from portal.demo import seed_accounts


@pytest.mark.django_db
def test_demo_seed_makes_cases_in_every_state_and_is_idempotent(make_unit, make_official):
    units = [make_unit() for _ in range(3)]
    for unit in units:
        make_official(unit=unit)
    seed_accounts()
    result = seed(per_state=1)
    assert result["cases"] == 10
    states = set(Case.objects.values_list("state", flat=True))
    assert {
        "submitted",
        "rejected",
        "assigned",
        "signed",
        "answered",
        "callback",
        "closed",
        "transfer_requested",
        "in_progress",
        "accepted",
    } <= states
    count = Case.objects.count()
    assert seed(per_state=1) == {"cases": 0}
    assert Case.objects.count() == count
