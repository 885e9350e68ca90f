"""Office actions: revocation, appeals, call-backs, QR posters, tickets; and role denials."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.accounts import roles
from portal.audit.models import AuditEvent
from portal.evaluation import selectors, services
from portal.evaluation.models import AppealStatus, CallBack, Rating, RatingTicket

from .conftest import next_day

pytestmark = pytest.mark.django_db


def test_revocation_keeps_the_rating_and_drops_it_from_counts(official, rate, office_user):
    rating = rate(official, level=2)
    services.rating_revoke(rating=rating, actor=office_user, reason="超出单位职权范围")
    assert Rating.objects.filter(pk=rating.pk).exists()
    assert not Rating.objects.active().filter(pk=rating.pk).exists()
    with next_day():  # public figures count closed days only
        data = selectors.official_aggregates(official_id=official.pk)
    assert data["total"] == 0 and data["revoked"] == 1
    event = AuditEvent.objects.get(action="rating_revoke")
    assert event.object_id == str(rating.pk) and event.actor == office_user


def test_a_rating_is_revoked_only_once_and_only_with_a_reason(official, rate, office_user):
    rating = rate(official, level=2)
    with pytest.raises(ValidationError):
        services.rating_revoke(rating=rating, actor=office_user, reason=" ")
    services.rating_revoke(rating=rating, actor=office_user, reason="恶意")
    with pytest.raises(ValidationError):
        services.rating_revoke(rating=rating, actor=office_user, reason="再次")


@pytest.mark.parametrize("role", [roles.DEPARTMENT, roles.MONITOR, roles.EDITOR, roles.LEADER])
def test_only_the_office_may_revoke(official, rate, make_user, role):
    user = make_user(role, unit=official.unit if role == roles.DEPARTMENT else None)
    with pytest.raises(PermissionDenied):
        services.rating_revoke(rating=rate(official, level=2), actor=user, reason="x")


def test_the_rated_unit_appeals_and_the_office_revokes(official, rate, make_user, office_user):
    rating = rate(official, level=2)
    dept = make_user(roles.DEPARTMENT, unit=official.unit)
    appeal = services.appeal_file(rating=rating, appellant=dept, grounds="评价人所述事项不属实")
    decided = services.appeal_decide(
        appeal=appeal, actor=office_user, revoke=True, reason="核查不属实"
    )
    assert decided.status == AppealStatus.REVOKED
    assert rating.revocation.reason == "核查不属实"
    with pytest.raises(ValidationError):
        services.appeal_decide(appeal=appeal, actor=office_user, revoke=False, reason="x")


def test_an_upheld_appeal_keeps_the_rating_counting(official, rate, make_user, office_user):
    rating = rate(official, level=2)
    dept = make_user(roles.DEPARTMENT, unit=official.unit)
    appeal = services.appeal_file(rating=rating, appellant=dept, grounds="不服")
    services.appeal_decide(appeal=appeal, actor=office_user, revoke=False, reason="评价属实")
    assert Rating.objects.active().filter(pk=rating.pk).exists()


def test_another_unit_cannot_appeal(official, make_official, rate, make_user):
    other = make_user(roles.DEPARTMENT, unit=make_official().unit)
    with pytest.raises(PermissionDenied):
        services.appeal_file(rating=rate(official, level=2), appellant=other, grounds="x")


def test_callback_outcome_is_recorded_once(official, rate, office_user):
    callback = rate(official, level=2).callback
    services.callback_record(
        callback=callback,
        actor=office_user,
        reached=True,
        verified_true=True,
        resolved=False,
        note="已联系",
    )
    with pytest.raises(ValidationError):
        services.callback_record(
            callback=callback, actor=office_user, reached=False, verified_true=False, resolved=False
        )
    callback.refresh_from_db()
    assert callback.verified_true is True and callback.note == "已联系"
    assert AuditEvent.objects.filter(action="callback_record").count() == 1


def test_callback_queue_flags_overdue_items(official, rate, office_user):
    late = rate(official, level=2).callback
    CallBack.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    fresh = rate(official, level=2).callback
    queue = selectors.callback_queue(user=office_user)
    assert [c.pk for c in queue] == [late.pk, fresh.pk]
    assert [c.overdue for c in queue] == [True, False]


# --- pages ----------------------------------------------------------------------------------

urls = pytest.mark.urls("tests.portal.evaluation.urls")
# the pages inside the Wagtail admin need the whole site's routes (its menu links every app)
admin_urls = pytest.mark.urls("portal.urls")


@admin_urls
def test_office_dashboard_highlights_overdue_callbacks(client, official, rate, office_user):
    late = rate(official, level=2).callback
    CallBack.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    client.force_login(office_user)
    html = client.get("/admin/evaluation/office/").content.decode()
    assert 'class="overdue"' in html and "已超时" in html


@admin_urls
@pytest.mark.parametrize("role", [roles.DEPARTMENT, roles.MONITOR, roles.EDITOR, roles.LEADER])
def test_other_roles_cannot_open_the_office_dashboard(client, official, make_user, role):
    client.force_login(make_user(role, unit=official.unit if role == roles.DEPARTMENT else None))
    response = client.get("/admin/evaluation/office/")
    # not told the desk exists (404), or Wagtail's own denial (back to the admin's home)
    assert response.status_code == 404 or response["Location"] == "/admin/"
    assert "回访队列" not in response.content.decode()


@admin_urls
def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/admin/evaluation/office/")
    assert response.status_code == 302 and "login" in response["Location"]


@admin_urls
def test_office_revokes_through_the_page(client, official, rate, office_user):
    rating = rate(official, level=2)
    client.force_login(office_user)
    client.post(f"/admin/evaluation/ratings/{rating.pk}/revoke/", {"reason": "重复评价"})
    assert Rating.objects.get(pk=rating.pk).revocation.reason == "重复评价"


@admin_urls
def test_department_cannot_revoke_through_the_page(client, official, rate, make_user):
    rating = rate(official, level=2)
    client.force_login(make_user(roles.DEPARTMENT, unit=official.unit))
    response = client.post(f"/admin/evaluation/ratings/{rating.pk}/revoke/", {"reason": "x"})
    assert response.status_code == 404  # not even told the rating exists
    assert not Rating.objects.filter(pk=rating.pk, revocation__isnull=False).exists()


@admin_urls
def test_another_departments_rating_is_a_404(client, official, make_official, rate, make_user):
    rating = rate(official, level=2)
    client.force_login(make_user(roles.DEPARTMENT, unit=make_official().unit))
    assert client.get(f"/admin/evaluation/ratings/{rating.pk}/").status_code == 404
    assert (
        client.post(f"/admin/evaluation/ratings/{rating.pk}/appeal/", {"grounds": "x"}).status_code
        == 404
    )


@admin_urls
def test_office_records_a_callback_through_the_page(client, official, rate, office_user):
    callback = rate(official, level=2).callback
    client.force_login(office_user)
    client.post(
        f"/admin/evaluation/callbacks/{callback.pk}/",
        {"reached": "1", "verified_true": "0", "resolved": "", "note": "不属实"},
    )
    callback.refresh_from_db()
    assert callback.reached is True and callback.verified_true is False


@urls
@pytest.mark.parametrize("fmt,ctype", [("svg", "image/svg+xml"), ("png", "image/png")])
def test_qr_codes_for_unit_and_official(client, official, office_user, fmt, ctype):
    client.force_login(office_user)
    for url in (
        f"/office/evaluation/qr/unit/{official.unit_id}.{fmt}",
        f"/office/evaluation/qr/official/{official.pk}.{fmt}",
    ):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == ctype


@admin_urls
def test_printable_poster_has_the_unit_and_official_codes(client, official, office_user):
    client.force_login(office_user)
    html = client.get(f"/admin/evaluation/poster/{official.unit_id}/").content.decode()
    assert official.unit.name in html and official.title in html
    assert html.count("<svg") >= 2
    # kiosk links are the office's to issue, never shown to the unit's staff (issue 17)
    assert "/kiosk/" not in html


@admin_urls
def test_another_units_clerk_cannot_print_the_poster(client, official, make_official, make_user):
    client.force_login(make_user(roles.DEPARTMENT, unit=make_official().unit))
    assert client.get(f"/admin/evaluation/poster/{official.unit_id}/").status_code == 404


@admin_urls
def test_clerk_issues_a_ticket_on_screen(client, official, make_user):
    client.force_login(make_user(roles.DEPARTMENT, unit=official.unit))
    html = client.post("/admin/evaluation/tickets/", {"official": official.pk}).content.decode()
    assert "data-ticket" in html and "/ticket/" in html and "<svg" in html


@admin_urls
def test_monitor_cannot_issue_tickets(client, make_user):
    client.force_login(make_user(roles.MONITOR))
    for response in (
        client.get("/admin/evaluation/tickets/"),
        client.post("/admin/evaluation/tickets/", {"official": ""}),
    ):
        assert response.status_code in (403, 404) or response["Location"] == "/admin/"
    assert not RatingTicket.objects.exists()


@admin_urls
def test_office_imports_staff_phones(client, unit, office_user):
    from portal.evaluation.models import StaffPhone

    client.force_login(office_user)
    client.post(
        "/admin/evaluation/staff-phones/", {"unit": unit.pk, "phones": "13900139000\n13900139001"}
    )
    assert StaffPhone.objects.filter(unit=unit).count() == 2


@admin_urls
def test_office_dashboard_lists_new_warnings(client, official, office_user):
    from portal.evaluation.warnings import warnings_compute

    from .test_warnings import bad

    bad(official, 10, timezone.localdate())
    warnings_compute()
    client.force_login(office_user)
    html = client.get("/admin/evaluation/office/").content.decode()
    assert "最新预警" in html and official.title in html and "三级预警" in html


def test_office_sees_the_evaluation_menu_in_wagtail_admin(office_user, make_user, rf):
    from portal.evaluation.wagtail_hooks import (
        register_evaluation_menu_item,
        register_evaluation_reports_menu_item,
    )

    request = rf.get("/admin/")
    request.user = office_user
    assert register_evaluation_menu_item().is_shown(request)
    request.user = make_user(roles.LEADER)
    assert not register_evaluation_menu_item().is_shown(request)
    assert register_evaluation_reports_menu_item().is_shown(request)
