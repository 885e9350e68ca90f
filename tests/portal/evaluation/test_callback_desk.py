"""The office's call-back desk: the named rater's phone for the office only, on an explicit
reveal that is audited; no default outcome; revoked ratings leave the queue; overdue first."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from portal.accounts import roles
from portal.audit.models import AuditEvent
from portal.evaluation import services
from portal.evaluation.forms import CallBackForm
from portal.evaluation.models import CallBack

pytestmark = pytest.mark.django_db
PHONE = "13712345678"
DESK = "/admin/evaluation/callbacks/"


@pytest.fixture
def named_bad(official, rate):
    return rate(official, level=2, reason="推诿", anonymous=False, name="王五", phone=PHONE)


def test_the_office_calls_back_a_named_bad_rating_from_the_desk(client, office_user, named_bad):
    callback = CallBack.objects.get(rating=named_bad)
    client.force_login(office_user)
    queue = client.get(DESK).content.decode()
    assert f'data-callback="{callback.pk}"' in queue and "不满意" in queue
    page = client.get(f"{DESK}{callback.pk}/").content.decode()
    assert PHONE not in page and "查看评价人手机号" in page
    assert not AuditEvent.objects.filter(action="callback_contact_reveal").exists()
    revealed = client.post(f"{DESK}{callback.pk}/", {"reveal": "1"})
    assert PHONE in revealed.content.decode() and "no-store" in revealed["Cache-Control"]
    event = AuditEvent.objects.get(action="callback_contact_reveal")
    assert event.actor_id == office_user.pk and PHONE not in str(event.after)
    # the outcome has no default: without 联系上 it is refused, nothing recorded
    missing = client.post(f"{DESK}{callback.pk}/", {"note": "已联系"})
    assert missing.status_code == 400
    callback.refresh_from_db()
    assert callback.recorded_at is None
    done = client.post(
        f"{DESK}{callback.pk}/", {"reached": "1", "verified_true": "1", "note": "属实"}
    )
    assert done.status_code == 302
    callback.refresh_from_db()
    assert callback.reached is True and callback.recorded_by == office_user
    assert f'data-callback="{callback.pk}"' not in client.get(DESK).content.decode()


def test_the_outcome_form_has_no_default_answer():
    form = CallBackForm()
    assert form.fields["reached"].choices[0][0] == ""
    assert not CallBackForm({"note": "x"}).is_valid()
    html = str(form["reached"])
    assert "selected" not in html.split("</option>")[1]  # 是 is not pre-selected


@pytest.mark.parametrize("role", [roles.DEPARTMENT, roles.LEADER, roles.EDITOR, roles.MONITOR])
def test_no_one_but_the_office_reads_the_desk_or_reveals(client, make_user, named_bad, role):
    callback = CallBack.objects.get(rating=named_bad)
    # the rated unit's own account, too
    client.force_login(make_user(role, unit=named_bad.unit if role == roles.DEPARTMENT else None))
    # 403/404, or (no admin access at all, a monitor) Wagtail's redirect to its sign-in
    denied = (302, 403, 404)
    assert client.get(DESK).status_code in denied
    assert client.get(f"{DESK}{callback.pk}/").status_code in denied
    response = client.post(f"{DESK}{callback.pk}/", {"reveal": "1"})
    assert response.status_code in denied and PHONE not in response.content.decode()
    assert not AuditEvent.objects.filter(action="callback_contact_reveal").exists()


def test_anonymous_visitor_is_sent_to_sign_in(client, named_bad):
    callback = CallBack.objects.get(rating=named_bad)
    response = client.post(f"{DESK}{callback.pk}/", {"reveal": "1"})
    assert response.status_code == 302 and PHONE not in response.content.decode()


def test_revoked_ratings_leave_the_queue_and_overdue_come_first(
    client, office_user, official, rate, named_bad
):
    later = rate(official, level=2, reason="慢")
    old = rate(official, level=2, reason="拖")
    CallBack.objects.filter(rating=old).update(due_at=timezone.now() - timedelta(hours=3))
    services.rating_revoke(rating=later, actor=office_user, reason="恶意差评")
    client.force_login(office_user)
    html = client.get(DESK).content.decode()
    ids = [CallBack.objects.get(rating=r).pk for r in (old, named_bad, later)]
    assert f'data-callback="{ids[2]}"' not in html
    assert html.index(f'data-callback="{ids[0]}"') < html.index(f'data-callback="{ids[1]}"')
    assert "已超期" in html


def test_a_sample_of_named_good_ratings_is_called_back(official, rate):
    with override_settings(GOOD_RATING_CALLBACK_SAMPLE=1.0):
        named = rate(official, level=4, anonymous=False, name="赵", phone="13612345678")
        anonymous = rate(official, level=4)
    assert CallBack.objects.get(rating=named).kind == "sample"
    assert not CallBack.objects.filter(rating=anonymous).exists()  # not reachable: not queued
    with override_settings(GOOD_RATING_CALLBACK_SAMPLE=0.0):
        unsampled = rate(official, level=4, anonymous=False, name="钱", phone="13612345679")
    assert not CallBack.objects.filter(rating=unsampled).exists()
