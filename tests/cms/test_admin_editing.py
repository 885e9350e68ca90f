"""Editors manage units and officials in the Wagtail admin; a unit's location (where QR
ratings count) is the office's."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from cms.models import OfficialPage, Unit
from cms.services import unit_save
from portal.accounts import roles
from portal.accounts.services import staff_user_create
from portal.audit.models import AuditEvent


@pytest.fixture
def editor_client(client, db):
    user = staff_user_create(username="ed", password="pw-123456!", role=roles.EDITOR)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_editor_edits_an_officials_post_in_the_admin(editor_client, official):
    url = f"/admin/pages/{official.pk}/edit/"
    response = editor_client.get(url)
    assert response.status_code == 200
    assert "分管工作" in response.content.decode()
    # publishing through the admin changes the public profile
    form = {
        "title": official.title,
        "slug": official.slug,
        "gender": "F",
        "unit": official.unit_id,
        "post": "党组书记、主任",
        "rank": "head",
        "work_in_charge": "主持全面工作",
        "display_order": 0,
        "roster_code": "",
        "action-publish": "publish",
    }
    response = editor_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    official.refresh_from_db()
    assert official.post == "党组书记、主任"
    assert "主持全面工作" in editor_client.get(official.url).content.decode()


@pytest.mark.django_db
def test_editor_edits_a_unit_snippet(editor_client, unit):
    response = editor_client.get(f"/admin/snippets/cms/unit/edit/{unit.pk}/")
    assert response.status_code == 200
    response = editor_client.post(
        f"/admin/snippets/cms/unit/edit/{unit.pk}/",
        {
            "name": unit.name,
            "short_name": "政务中心",
            "kind": "window",
            "address": "人民路1号",
            "latitude": "27.2",
            "longitude": "116.5",
            "head": "",
            "phone": "",
            "display_order": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Unit.objects.get(pk=unit.pk)
    assert stored.short_name == "政务中心"
    # the red team's attack (issue 17): the editor moved the QR rating zone to where
    # accomplices stand; the form no longer has the fields and the location stays
    assert (stored.latitude, stored.longitude) == (Decimal("27.218000"), Decimal("116.533000"))
    assert (
        'name="latitude"'
        not in editor_client.get(f"/admin/snippets/cms/unit/edit/{unit.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_only_the_office_moves_a_unit_and_the_move_is_audited(client, unit):
    editor = staff_user_create(username="ed2", password="pw-123456!", role=roles.EDITOR)
    unit.latitude = Decimal("30.000000")
    with pytest.raises(PermissionDenied):
        unit_save(unit=unit, actor=editor)
    assert Unit.objects.get(pk=unit.pk).latitude == Decimal("27.218000")

    office = staff_user_create(username="xn", password="pw-123456!", role=roles.OFFICE)
    client.force_login(office)
    url = f"/admin/snippets/cms/unit/edit/{unit.pk}/"
    assert 'name="latitude"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": unit.name,
            "kind": "window",
            "latitude": "27.300000",
            "longitude": "116.533000",
            "display_order": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Unit.objects.get(pk=unit.pk).latitude == Decimal("27.300000")
    event = AuditEvent.objects.get(action="unit_location_change", object_id=str(unit.pk))
    assert event.before["latitude"] == "27.218000" and event.after["latitude"] == "27.300000"
    assert event.actor_id == office.pk


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login_from_the_admin(client, official):
    response = client.get(f"/admin/pages/{official.pk}/edit/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert OfficialPage.objects.get(pk=official.pk).post == "主任"
