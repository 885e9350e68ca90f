"""Suspicious-pattern review: a flag opens its ratings; the office revokes them in bulk with
one reason (each an audit event) or dismisses the flag with a reason (an audit event)."""

import pytest
from django.test import override_settings

from portal.accounts import roles
from portal.audit.models import AuditEvent
from portal.evaluation import selectors
from portal.evaluation.models import Rating, RatingRevocation

pytestmark = pytest.mark.django_db
LIST = "/admin/evaluation/suspicious/"


@pytest.fixture
def good_run(official, rate):
    with override_settings(SUSPICIOUS_GOOD_RUN=5):
        yield [rate(official, level=4) for _ in range(6)]


def _flag_ref(client):
    html = client.get(LIST).content.decode()
    start = html.index('data-flag="') + len('data-flag="')
    return html[start : html.index('"', start)]


def test_a_flag_opens_its_ratings_and_the_office_revokes_them_in_one_go(
    client, office_user, good_run, official
):
    client.force_login(office_user)
    ref = _flag_ref(client)
    page = client.get(f"{LIST}{ref}/").content.decode()
    assert all(f'data-rating="{r.pk}"' in page for r in good_run)
    assert "满意" in page
    refused = client.post(f"{LIST}{ref}/", {"revoke-reason": "", "revoke": "1"}, follow=True)
    assert "请填写理由" in refused.content.decode()
    assert not RatingRevocation.objects.exists()
    client.post(f"{LIST}{ref}/", {"revoke-reason": "同一时段集中刷好评", "revoke": "1"})
    assert RatingRevocation.objects.count() == 6
    assert set(RatingRevocation.objects.values_list("reason", flat=True)) == {"同一时段集中刷好评"}
    assert AuditEvent.objects.filter(action="rating_revoke").count() == 6
    assert Rating.objects.active().filter(official=official).count() == 0
    assert f'data-flag="{ref}"' not in client.get(LIST).content.decode()


def test_the_office_dismisses_a_flag_with_a_reason(client, office_user, good_run, official, rate):
    client.force_login(office_user)
    ref = _flag_ref(client)
    client.post(f"{LIST}{ref}/", {"dismiss-reason": "表彰活动当天", "dismiss": "1"})
    event = AuditEvent.objects.get(action="suspicious_dismiss")
    assert event.after["reason"] == "表彰活动当天" and event.after["ratings"] == 6
    assert not RatingRevocation.objects.exists()  # the ratings keep counting
    with override_settings(SUSPICIOUS_GOOD_RUN=5):
        assert f'data-flag="{ref}"' not in client.get(LIST).content.decode()
        rate(official, level=4)  # a newer rating joins the pattern: the flag is back
        assert f'data-flag="{ref}"' in client.get(LIST).content.decode()


def test_junk_flag_references_are_a_404(client, office_user):
    client.force_login(office_user)
    for ref in ("nonsense", "burst.1.", "good-run.abc.", "x.1.y"):
        assert client.get(f"{LIST}{ref}/").status_code == 404


@pytest.mark.parametrize("role", [roles.DEPARTMENT, roles.LEADER, roles.EDITOR])
def test_only_the_office_reviews_flags(client, make_user, good_run, official, role):
    client.force_login(make_user(role, unit=official.unit if role == roles.DEPARTMENT else None))
    ref = f"good-run.{official.pk}."
    assert client.get(LIST).status_code in (403, 404)
    assert client.get(f"{LIST}{ref}/").status_code in (403, 404)
    response = client.post(f"{LIST}{ref}/", {"revoke-reason": "x", "revoke": "1"})
    assert response.status_code in (403, 404) and not RatingRevocation.objects.exists()


def test_the_office_rating_page_shows_the_level_name(client, office_user, official, rate):
    rating = rate(official, level=3)
    client.force_login(office_user)
    html = client.get(f"/admin/evaluation/ratings/{rating.pk}/").content.decode()
    assert '<dd data-level="3">基本满意</dd>' in html


def test_the_dashboard_counts_no_revoked_call_back(office_user, official, rate):
    from portal.evaluation.services import rating_revoke

    bad = rate(official, level=2)
    assert selectors.office_queue_counts(user=office_user)["callbacks"] == 1
    rating_revoke(rating=bad, actor=office_user, reason="误评")
    assert selectors.office_queue_counts(user=office_user)["callbacks"] == 0
    assert selectors.callback_queue(user=office_user) == []
