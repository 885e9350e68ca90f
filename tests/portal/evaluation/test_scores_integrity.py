"""Unit scores and rankings stay right under revocation, violations, a rule change and a
withdrawn kiosk (issue 17)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import Site

from cms.models import PortalSettings
from cms.services import portal_rules_change
from portal.accounts import roles
from portal.evaluation import kiosks, services
from portal.evaluation.forms import KioskForm
from portal.evaluation.models import CallBack
from portal.evaluation.scores import unit_scores, violation_record

pytestmark = pytest.mark.django_db


def _row(unit):
    year = timezone.localdate().year
    return next(r for r in unit_scores(year=year) if r.unit_id == unit.pk)


def _verified_bad(rate, official, office_user):
    rating = rate(official, level=2, reason="推诿")
    services.callback_record(
        callback=CallBack.objects.get(rating=rating),
        actor=office_user,
        reached=True,
        verified_true=True,
        resolved=False,
    )
    return rating


def test_a_revoked_verified_bad_rating_gives_the_points_back(official, rate, office_user):
    rating = _verified_bad(rate, official, office_user)
    row = _row(official.unit)
    assert (row.received, row.bad, row.verified_bad, row.score) == (1, 1, 1, 97)
    services.rating_revoke(rating=rating, actor=office_user, reason="复核不属实")
    row = _row(official.unit)
    assert (row.received, row.bad, row.verified_bad, row.score) == (0, 0, 0, 100)


def test_a_violation_costs_ten_points_of_that_unit_only(official, make_official, office_user):
    other = make_official()
    violation_record(unit=official.unit, kind="forced_good", actor=office_user)
    assert _row(official.unit).score == 90 and _row(other.unit).score == 100


def test_a_rule_change_counts_from_the_next_computation(site_pages, official, rate, make_user):
    for _ in range(3):
        rate(official, level=4)
    assert _row(official.unit).rankable is (
        3 >= PortalSettings.rule_defaults()["ranking_min_ratings"]
    )
    office = make_user(roles.OFFICE, username="rules-office")
    row = PortalSettings.for_site(Site.objects.get(is_default_site=True))
    row.ranking_min_ratings = 3
    portal_rules_change(row=row, actor=office, reason="会议纪要")
    assert _row(official.unit).rankable is True
    row.ranking_min_ratings = 4
    portal_rules_change(row=row, actor=office, reason="会议纪要")
    assert _row(official.unit).rankable is False


def test_a_withdrawn_kiosk_keeps_its_real_ratings_and_adds_no_more(
    official, office_user, make_user
):
    clerk = make_user(roles.DEPARTMENT, unit=official.unit)
    device, _token = kiosks.kiosk_device_issue(actor=office_user, unit=official.unit, name="窗口")

    def kiosk_rating(level, reason=""):
        form = KioskForm({"level": str(level), "reason": reason})
        assert form.is_valid()
        kiosks.kiosk_transaction_open(actor=clerk, device=device, official=official)
        return kiosks.kiosk_rate(device=device, data=form.rating_data())

    kiosk_rating(4)
    kiosk_rating(2, "等了很久")
    before = _row(official.unit)
    assert (before.received, before.bad) == (2, 1)
    kiosks.kiosk_device_withdraw(device=device, actor=office_user)
    with pytest.raises(ValidationError):  # withdrawn: no transaction can be opened
        kiosk_rating(4)
    after = _row(official.unit)
    assert (after.received, after.bad, after.score) == (2, 1, before.score)
