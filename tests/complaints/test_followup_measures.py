"""Issue 20, 回头看 and measures: a follow-up check recorded on the office case page (a relapse
reopens the case to its department, within the reopen limit), shown on the tracking page and
the published result; several measures per case (a warning letter's rectification deadline
chased by the sweep, a public-naming notice at its own public URL), counted on /stats/."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from complaints.choices import CaseState, HandlingAction, HandlingTier
from complaints.models import DepartmentNotice, FollowUp, HandlingMeasure
from complaints.services import case_deadline_sweep
from complaints.services.workflow import (
    case_accept,
    case_answer,
    case_approve,
    case_assign,
    case_close,
    case_reopen,
    case_sign,
    case_start,
    followup_record,
    followup_schedule,
)
from portal.accounts import roles
from portal.audit.models import AuditEvent
from tests.complaints.conftest import image_bytes
from tests.complaints.publication import factories as pub
from tests.complaints.publication.conftest import _clean_cache, on_commit  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept(make_unit):
    return make_unit(name="县交通运输局")


@pytest.fixture
def handler(make_user, dept):
    return make_user(roles.DEPARTMENT, unit=dept)


@pytest.fixture
def office(client, office_user):
    client.force_login(office_user)
    return client


def _answered(case, office_user, dept, handler):
    case = case_accept(case=case, actor=office_user)
    case = case_assign(case=case, actor=office_user, department=dept)
    case = case_start(case=case_sign(case=case, actor=handler), actor=handler)
    case = case_answer(case=case, actor=handler, answer="已整改到位。", finding="true")
    return case_approve(case=case, actor=office_user)


def _closed(case, office_user, dept, handler, **close):
    case = _answered(case, office_user, dept, handler)
    return case_close(
        case=case,
        actor=office_user,
        **{
            "solved": True,
            "handling_tier": HandlingTier.GENERAL,
            "handling_action": HandlingAction.NONE,
            **close,
        },
    )


def _tracking(client, case, receipt):
    response = client.post("/complaints/track/", {"number": case.number, "code": receipt.code})
    return client.get(response["Location"]).content.decode()


def _schedule(office, case, office_user, due_on=None):
    due_on = due_on or timezone.localdate()
    office.post(
        f"/admin/cases/{case.pk}/followups/",
        {"due_on": due_on.isoformat(), "checker": office_user.pk},
    )
    return case.follow_ups.get()


def test_a_relapsed_follow_up_reopens_the_case_to_its_department(
    office, make_case, office_user, dept, handler
):
    case, receipt = make_case()
    case = _closed(case, office_user, dept, handler)
    page = office.get(f"/admin/cases/{case.pk}/").content.decode()
    assert f"/admin/cases/{case.pk}/followups/" in page
    followup = _schedule(office, case, office_user)
    assert followup.checker == office_user and not followup.finding

    response = office.post(
        f"/admin/cases/followups/{followup.pk}/record/",
        {
            "finding": "relapsed",
            "note": "占道经营又出现了",
            "evidence": SimpleUploadedFile("IMG_张三.jpg", image_bytes(), "image/jpeg"),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    followup.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS and case.department == dept
    assert case.reopen_count == 1 and case.deadline > timezone.localdate()
    assert followup.finding == "relapsed" and followup.evidence.evidence is True
    record = AuditEvent.objects.get(chain=case.audit_chain, action="case.followup_record")
    assert record.after["reopened"] is True
    assert AuditEvent.objects.filter(chain=case.audit_chain, action="case.relapse_reopen").exists()
    # the complainant sees that the check happened and what it found; not the staff note
    page = _tracking(Client(), case, receipt)
    assert 'data-finding="relapsed"' in page and "问题反弹" in page
    assert "占道经营又出现了" not in page


def test_a_held_follow_up_keeps_the_case_closed(office, make_case, office_user, dept, handler):
    case, _ = make_case()
    case = _closed(case, office_user, dept, handler)
    followup = _schedule(office, case, office_user)
    office.post(f"/admin/cases/followups/{followup.pk}/record/", {"finding": "held"})
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.follow_ups.get().finding == "held"
    # recorded once: a second finding is refused
    office.post(f"/admin/cases/followups/{followup.pk}/record/", {"finding": "relapsed"})
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.follow_ups.get().finding == "held"


def test_a_relapse_past_the_reopen_limit_is_recorded_but_does_not_reopen(
    make_case, office_user, dept, handler, settings
):
    settings.CASE_REOPEN_LIMIT = 1
    case, _ = make_case()
    case = _answered(case, office_user, dept, handler)
    case = case_reopen(case=case, actor=office_user, reason="回访不满意")
    case = case_answer(case=case, actor=handler, answer="再次整改。", finding="true")
    case = case_approve(case=case, actor=office_user)
    case = case_close(
        case=case,
        actor=office_user,
        solved=True,
        handling_tier=HandlingTier.GENERAL,
        handling_action=HandlingAction.NONE,
    )
    followup = followup_schedule(
        case=case, actor=office_user, due_on=timezone.localdate(), checker=office_user
    )
    followup_record(followup=followup, actor=office_user, finding="relapsed")
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.reopen_count == 1
    record = AuditEvent.objects.get(chain=case.audit_chain, action="case.followup_record")
    assert record.after["reopened"] is False


@pytest.mark.parametrize(
    "url, data",
    [
        ("followups/", {"due_on": "2026-02-30", "checker": "1"}),
        ("followups/", {"due_on": "2027-01-05", "checker": "abc"}),
        ("followups/", {"due_on": "", "checker": ""}),
        ("measures/", {"kind": "bogus"}),
        ("measures/", {"kind": "warning_letter", "rectify_by": "x"}),
        ("measures/", {"kind": "public_naming", "notice_title": "", "notice_body": ""}),
        ("supervise/", {"reason": "x" * 5000, "deadline": "2099-01-01"}),
    ],
)
def test_bad_handling_input_is_refused_without_500(
    office, make_case, office_user, dept, handler, url, data
):
    case, _ = make_case()
    case = _closed(case, office_user, dept, handler)
    response = office.post(f"/admin/cases/{case.pk}/{url}", data, follow=True)
    assert response.status_code == 200
    assert not FollowUp.objects.filter(case=case).exists()
    assert not HandlingMeasure.objects.filter(case=case).exists()


def test_a_checker_must_be_office_staff_and_only_the_office_schedules(
    office, client, make_case, office_user, dept, handler
):
    case, _ = make_case()
    case = _closed(case, office_user, dept, handler)
    office.post(
        f"/admin/cases/{case.pk}/followups/",
        {"due_on": "2027-01-05", "checker": handler.pk},
    )
    assert not case.follow_ups.exists()
    client.force_login(handler)
    response = client.post(
        f"/admin/cases/{case.pk}/followups/", {"due_on": "2027-01-05", "checker": handler.pk}
    )
    assert response.status_code == 404 and not case.follow_ups.exists()


def test_several_measures_per_case_on_the_case_page_and_the_published_result(
    office,
    client,
    make_unit,
    on_commit,  # noqa: F811
):
    actor = pub.office()
    office.force_login(actor)
    case = pub.case_closed(
        unit=make_unit(name="县城市管理局"),
        text="占道经营长期无人管。",
        answer="已约谈相关负责人。",
        tier=HandlingTier.EARLY_SIGN,
        action=HandlingAction.WARNING_LETTER,
        solved=True,
        actor=actor,
    )
    letter = case.handling_measures.get()
    assert letter.kind == HandlingAction.WARNING_LETTER and letter.rectify_by == case.rectify_by
    office.post(f"/admin/cases/{case.pk}/measures/", {"kind": "talk", "note": "约谈局长"})
    office.post(
        f"/admin/cases/{case.pk}/measures/",
        {
            "kind": "public_naming",
            "notice_title": "关于县城市管理局占道经营问题的通报",
            "notice_body": "经查，占道经营问题长期未处理，现予通报。联系电话 13912345678。",
        },
    )
    kinds = list(case.handling_measures.values_list("kind", flat=True))
    assert kinds == ["warning_letter", "talk", "public_naming"]
    page = office.get(f"/admin/cases/{case.pk}/").content.decode()
    for label in ("预警告知函", "约谈", "通报曝光"):
        assert label in page
    naming = case.handling_measures.get(kind="public_naming")
    # not public before the office publishes it; another kind of measure has no notice page
    assert client.get(f"/results/notices/{naming.pk}/").status_code == 404
    assert client.get(f"/results/notices/{letter.pk}/").status_code == 404
    assert client.get("/results/notices/99999999999/").status_code == 404
    office.post(f"/admin/cases/measures/{naming.pk}/publish/")
    notice = client.get(f"/results/notices/{naming.pk}/")
    assert notice.status_code == 200
    html = notice.content.decode()
    assert "关于县城市管理局占道经营问题的通报" in html and "13912345678" not in html
    assert AuditEvent.objects.filter(
        chain=case.audit_chain, action="case.measure_notice_publish"
    ).exists()

    outcome = on_commit(pub.publish, case, actor=actor, accountability="")
    result = client.get(f"/results/{outcome.pk}/").content.decode()
    assert 'data-measure="talk"' in result and 'data-measure="public_naming"' in result
    assert f"/results/notices/{naming.pk}/" in result
    assert "约谈局长" not in result


def test_a_warning_letter_past_its_rectification_deadline_is_chased_once(
    office, make_case, office_user, dept, handler
):
    case, _ = make_case()
    rectify_by = timezone.localdate() + timedelta(days=10)
    case = _closed(
        case,
        office_user,
        dept,
        handler,
        handling_action=HandlingAction.WARNING_LETTER,
        rectify_by=rectify_by,
    )
    assert case_deadline_sweep(today=rectify_by)["rectify_chased"] == 0
    assert case_deadline_sweep(today=rectify_by + timedelta(days=1))["rectify_chased"] == 1
    assert case_deadline_sweep(today=rectify_by + timedelta(days=2))["rectify_chased"] == 0
    notice = DepartmentNotice.objects.get(case=case, event="rectify_overdue")
    assert notice.unit_id == dept.pk and rectify_by.isoformat() in notice.text
    assert AuditEvent.objects.filter(chain=case.audit_chain, action="case.measure_chase").exists()
    page = office.get(f"/admin/cases/{case.pk}/").content.decode()
    assert "已超期催办" in page


def test_a_rectified_warning_letter_is_not_chased(office, make_case, office_user, dept, handler):
    case, _ = make_case()
    rectify_by = timezone.localdate() + timedelta(days=3)
    case = _closed(
        case,
        office_user,
        dept,
        handler,
        handling_action=HandlingAction.WARNING_LETTER,
        rectify_by=rectify_by,
    )
    letter = case.handling_measures.get()
    office.post(f"/admin/cases/measures/{letter.pk}/rectified/")
    letter.refresh_from_db()
    assert letter.rectified_on == timezone.localdate()
    assert case_deadline_sweep(today=rectify_by + timedelta(days=1))["rectify_chased"] == 0


def test_stats_count_cases_per_measure_kind_with_a_definition(
    client, make_case, office_user, dept, handler
):
    for action in (HandlingAction.TALK, HandlingAction.TALK, HandlingAction.PUBLIC_NAMING):
        case, _ = make_case()
        kw = {"handling_action": action}
        case = _closed(case, office_user, dept, handler, **kw)
    from complaints.services.workflow import measure_add

    measure_add(case=case, actor=office_user, kind=HandlingAction.ACCOUNTABILITY, note="问责")
    html = client.get("/stats/").content.decode()
    assert 'data-figure="measure_talk"' in html
    import re

    def value(key):
        match = re.search(rf'data-figure="{key}">.*?class="value">([^<]*)<', html, re.S)
        return match.group(1)

    assert value("measure_talk") == "2"
    assert value("measure_public_naming") == "1"
    assert value("measure_accountability") == "1"
    assert value("measure_case_opened") == "0"


def test_the_migration_moves_each_cases_single_action_into_a_measure(
    make_case, office_user, dept, handler
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "complaints.migrations.0011_case_handling_supervision_followup_measures"
    )
    case, _ = make_case()
    case = _closed(
        case,
        office_user,
        dept,
        handler,
        handling_action=HandlingAction.WARNING_LETTER,
        rectify_by=timezone.localdate(),
    )
    other, _ = make_case()
    _closed(other, office_user, dept, handler)  # "none": no measure
    HandlingMeasure.objects.all().delete()  # as before the migration
    migration.measures_from_handling_action(apps, None)
    measure = HandlingMeasure.objects.get()
    assert measure.case_id == case.pk and measure.kind == HandlingAction.WARNING_LETTER
    assert measure.rectify_by == timezone.localdate()


def test_the_follow_up_date_given_at_closing_is_a_scheduled_check(
    office, make_case, office_user, dept, handler
):
    case, _ = make_case()
    case = _answered(case, office_user, dept, handler)
    due_on = timezone.localdate() + timedelta(days=30)
    office.post(
        f"/admin/cases/{case.pk}/close/",
        {
            "solved": "1",
            "handling_tier": "general",
            "handling_action": "talk",
            "follow_up_on": due_on.isoformat(),
        },
    )
    followup = FollowUp.objects.get(case=case)
    assert followup.due_on == due_on and followup.checker == office_user
    page = office.get(f"/admin/cases/{case.pk}/").content.decode()
    assert f"/admin/cases/followups/{followup.pk}/record/" in page
