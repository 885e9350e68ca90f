"""Issue 17: the rule settings (thresholds, call-back hours, QR radius, ranking switches,
deadlines) are the office's. Editors cannot change them through the admin; each change is
range-checked, needs a reason, is an audit event with before/after, and never rewrites the
warnings already issued."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from wagtail.models import Site

from cms.models import PortalSettings
from cms.selectors import portal_rules
from portal.accounts import roles
from portal.audit.models import AuditEvent
from portal.evaluation.models import OfficialWarning
from portal.evaluation.warnings import warnings_compute

VALID = {
    "warning_iii_month": "10",
    "warning_iii_year": "40",
    "warning_ii_month": "20",
    "warning_ii_year": "80",
    "warning_i_month": "40",
    "warning_i_year": "120",
    "case_deadline_working_days": "5",
    "callback_hours": "24",
    "qr_radius_meters": "500",
    "ranking_min_ratings": "30",
    "ranking_public": "on",
    "change_reason": "县效能办2026年第3次会议纪要",
}


@pytest.fixture
def site(site_pages):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def url(site):
    return f"/admin/settings/cms/portalsettings/{site.pk}/"


def _client(client, make_user, role, username):
    client.force_login(make_user(role, username=username))
    return client


@pytest.mark.django_db
def test_an_editor_cannot_switch_the_warnings_off(client, make_user, url):
    editor = _client(client, make_user, roles.EDITOR, "editor")
    attack = {**VALID, **{k: "999" for k in VALID if k.startswith("warning_")}}
    attack.pop("ranking_public")
    response = editor.post(url, attack)
    assert response.status_code in (302, 403)
    rules = portal_rules()
    assert rules.warning_thresholds["III"] == (10, 40)
    assert rules.ranking_public is True
    assert not PortalSettings.objects.filter(warning_iii_month=999).exists()
    assert editor.get(url).status_code in (302, 403)


@pytest.mark.django_db
def test_the_office_changes_a_rule_with_a_reason_and_it_is_audited(client, make_user, url):
    office = _client(client, make_user, roles.OFFICE, "office-rules")
    assert office.get(url).status_code == 200
    response = office.post(url, {**VALID, "warning_iii_month": "12", "qr_radius_meters": "300"})
    assert response.status_code == 302, response.content.decode()[:3000]
    rules = portal_rules()
    assert rules.warning_thresholds["III"] == (12, 40) and rules.qr_radius_meters == 300
    event = AuditEvent.objects.get(action="rules_change")
    assert event.actor.username == "office-rules"
    assert event.before == {"warning_iii_month": 10, "qr_radius_meters": 500}
    assert event.after["warning_iii_month"] == 12 and event.after["qr_radius_meters"] == 300
    assert event.after["reason"] == VALID["change_reason"]
    call_command("verify_audit", verbosity=0)


@pytest.mark.django_db
def test_a_change_without_a_reason_is_refused(client, make_user, url):
    office = _client(client, make_user, roles.OFFICE, "office-rules")
    response = office.post(url, {**VALID, "warning_iii_month": "12", "change_reason": "  "})
    assert response.status_code == 200
    assert "修改理由" in response.content.decode()
    assert portal_rules().warning_thresholds["III"] == (10, 40)
    assert not AuditEvent.objects.filter(action="rules_change").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field,value",
    [
        ("warning_iii_month", "0"),
        ("warning_i_year", "1001"),
        ("callback_hours", "100000"),
        ("callback_hours", "721"),
        ("qr_radius_meters", "100000"),
        ("qr_radius_meters", "10"),
        ("case_deadline_working_days", "61"),
        ("warning_ii_month", "5"),  # below level III: the order I ≥ II ≥ III
        ("qr_radius_meters", "五百"),
    ],
)
def test_out_of_range_rules_are_refused(client, make_user, url, field, value):
    office = _client(client, make_user, roles.OFFICE, "office-rules")
    response = office.post(url, {**VALID, field: value})
    assert response.status_code == 200  # the form again, with the error; never a 500
    assert not AuditEvent.objects.filter(action="rules_change").exists()
    assert portal_rules().qr_radius_meters == 500 and portal_rules().callback_hours == 24


@pytest.mark.django_db
def test_raising_a_threshold_leaves_issued_warnings_and_counts_from_the_next_run(
    client, make_user, url, official, make_official, rate
):
    for n in range(10):
        rate(official, level=2, reason=f"推诿 {n}")
    assert [w.level for w in warnings_compute()] == ["III"]
    office = _client(client, make_user, roles.OFFICE, "office-rules")
    response = office.post(url, {**VALID, "warning_iii_month": "11"})
    assert response.status_code == 302
    assert OfficialWarning.objects.filter(official=official, level="III").count() == 1
    other = make_official(name="李明")
    for n in range(10):
        rate(other, level=2, reason=f"态度 {n}")
    assert warnings_compute() == []  # ten no longer reach the raised threshold of 11
    rate(other, level=2, reason="第十一条")
    assert [w.official_id for w in warnings_compute()] == [other.pk]
    assert OfficialWarning.objects.filter(official=official, level="III").count() == 1


@pytest.mark.django_db
def test_a_rule_changed_in_the_database_is_named_by_verify_audit(client, make_user, url):
    office = _client(client, make_user, roles.OFFICE, "office-rules")
    assert office.post(url, {**VALID, "warning_iii_month": "12"}).status_code == 302
    row = PortalSettings.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cms_portalsettings SET warning_iii_month = 999, ranking_public = %s "
            "WHERE id = %s",
            [False, row.pk],
        )
    with pytest.raises(CommandError, match=f"rules id={row.pk}"):
        call_command("verify_audit", verbosity=0)


@pytest.mark.django_db
def test_existing_deployments_take_the_permission_from_the_editors(make_user):
    """accounts migration 0004 on a database whose editors were given the rule settings."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    make_user(roles.EDITOR, username="editor")
    make_user(roles.OFFICE, username="office-rules")
    editor, office = Group.objects.get(name=roles.EDITOR), Group.objects.get(name=roles.OFFICE)
    change = Permission.objects.get(codename="change_portalsettings")
    editor.permissions.add(change)
    office.permissions.remove(change)
    migration = importlib.import_module("portal.accounts.migrations.0004_rule_settings_office_only")
    migration.forwards(apps, None)
    assert not editor.permissions.filter(codename__endswith="_portalsettings").exists()
    assert office.permissions.filter(codename="change_portalsettings").exists()
