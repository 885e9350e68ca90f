"""Publishing and unpublishing outcomes: masking, audit events, refusals."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from complaints.choices import PublicationStatus
from complaints.publication import selectors, services
from complaints.publication.models import PublishedOutcome
from complaints.services import case_publication_set
from complaints.services.workflow import case_approve, case_reopen
from portal.accounts import roles
from portal.accounts.services import staff_user_create
from portal.audit.models import AuditEvent
from search import api as search_api

from . import factories as f

pytestmark = pytest.mark.django_db

NAMED_TEXT = (
    "我是王小明，电话13812341234。窗口的张伟丽主任推诿，经办人陈志强让我跑了五趟才办好营业执照。"
)


@pytest.fixture
def named_case(official, unit):
    return f.case_closed(
        unit=unit,
        official=official,
        text=NAMED_TEXT,
        anonymous=False,
        contact_name="王小明",
        contact_phone="13812341234",
        answer="经核查属实，已对陈志强批评教育。联系人电话13900001111。",
        measures="窗口推行一次告知制度。",
    )


def test_preview_masks_numbers_and_private_names_but_keeps_the_roster(named_case):
    text, outcome = selectors.outcome_preview_for_office(user=f.office(), case=named_case)
    assert outcome is None
    assert "王某某" in text.summary and "王小明" not in text.summary
    assert "〔手机号〕" in text.summary and "13812341234" not in text.summary
    assert "张伟丽主任" in text.summary  # an official on the public roster
    assert "陈某某" in text.summary and "陈志强" not in text.answer
    assert "〔手机号〕" in text.answer and "1111" not in text.answer
    assert text.measures == "窗口推行一次告知制度。"


def test_publish_writes_the_snapshot_and_an_audit_event_in_the_case_chain(named_case, on_commit):
    office = f.office()
    outcome = on_commit(f.publish, named_case, actor=office)
    outcome.refresh_from_db()
    assert outcome.is_published and outcome.published_by == office
    assert outcome.department_name == named_case.department.name
    assert outcome.official_name == "张伟丽"
    assert outcome.working_days is not None
    named_case.refresh_from_db()
    assert named_case.publication == PublicationStatus.READY  # the decision shows on the case
    event = AuditEvent.objects.filter(chain=f"case:{named_case.pk}").order_by("-seq").first()
    assert event.action == "outcome.publish"
    assert event.after["outcome"] == outcome.pk
    assert event.actor == office
    hits = search_api.search("outcome", "营业执照").hits
    assert [h.id for h in hits] == [str(outcome.pk)]


def test_hand_edits_are_kept_but_numbers_and_the_complainants_name_are_masked_again(
    named_case, on_commit
):
    outcome = on_commit(
        f.publish,
        named_case,
        title="王小明反映窗口推诿",
        summary="王小明反映：身份证360121199001011234，电话13812341234",
    )
    assert outcome.title == "王某某反映窗口推诿"
    assert outcome.summary == "王某某反映：身份证〔身份证号〕，电话〔手机号〕"


def test_editing_a_published_outcome_is_audited_as_an_edit(named_case, on_commit):
    on_commit(f.publish, named_case)
    outcome = on_commit(f.publish, named_case, title="窗口办事推诿（已整改）")
    assert outcome.title == "窗口办事推诿（已整改）"
    actions = list(
        AuditEvent.objects.filter(chain=f"case:{named_case.pk}")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["outcome.publish", "outcome.edit"]
    assert PublishedOutcome.objects.count() == 1


def test_unpublish_hides_the_outcome_and_writes_an_audit_event(named_case, on_commit):
    office = f.office()
    outcome = on_commit(f.publish, named_case, actor=office)
    on_commit(services.outcome_unpublish, outcome=outcome, actor=office, reason="投诉人要求")
    outcome.refresh_from_db()
    assert not outcome.is_published and outcome.withdrawn_reason == "投诉人要求"
    event = AuditEvent.objects.filter(chain=f"case:{named_case.pk}").order_by("-seq").first()
    assert event.action == "outcome.unpublish" and event.after["reason"] == "投诉人要求"
    assert search_api.search("outcome", "营业执照").hits == []
    assert PublishedOutcome.objects.published().count() == 0


def test_unpublish_needs_a_reason(named_case, on_commit):
    outcome = on_commit(f.publish, named_case)
    with pytest.raises(ValidationError):
        services.outcome_unpublish(outcome=outcome, actor=f.office(), reason=" ")


def test_a_case_that_is_not_closed_cannot_be_published(unit):
    case = f.case_answered(unit=unit, text="路灯不亮三个月没人管")
    text = services.OutcomeText(
        title="路灯", summary="路灯不亮", answer="", measures="", accountability=""
    )
    with pytest.raises(ValidationError):
        services.outcome_publish(case=case, actor=f.office(), text=text)
    assert not PublishedOutcome.objects.exists()


def test_a_case_the_office_held_back_cannot_be_published(unit):
    office = f.office()
    case = f.case_closed(unit=unit, text="路灯不亮三个月没人管", actor=office)
    case_publication_set(case=case, actor=office, ready=False, reason="涉及个人隐私")
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        f.publish(case, actor=office)


def test_only_the_office_publishes_and_unpublishes(unit, on_commit):
    case = f.case_closed(unit=unit, text="路灯不亮三个月没人管")
    handler = f.department_user(unit)
    text = services.OutcomeText(
        title="路灯", summary="路灯不亮", answer="", measures="", accountability=""
    )
    with pytest.raises(PermissionDenied):
        services.outcome_publish(case=case, actor=handler, text=text)
    outcome = on_commit(f.publish, case)
    leader = staff_user_create(username="leader", role=roles.LEADER, password="pw-12345678")
    with pytest.raises(PermissionDenied):
        services.outcome_unpublish(outcome=outcome, actor=leader, reason="x")


def test_reopened_case_is_not_closed_and_cannot_be_published(unit):
    office = f.office()
    case = f.case_answered(unit=unit, text="路灯不亮三个月没人管", actor=office)
    case_approve(case=case, actor=office)
    case_reopen(case=case, actor=office, reason="不满意")
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        f.publish(case, actor=office)


def test_demo_seed_publishes_closed_cases_once(unit, on_commit):
    from complaints.publication import demo

    office = staff_user_create(username="office", role=roles.OFFICE, password="pw-12345678")
    case = f.case_closed(unit=unit, text="演示：窗口排队两小时", actor=office)
    f.case_answered(unit=unit, text="还在办理中的件", actor=office)
    assert on_commit(demo.seed) == {"outcomes": 1}
    assert on_commit(demo.seed) == {"outcomes": 0}
    outcome = PublishedOutcome.objects.get()
    assert outcome.case == case and outcome.is_published
    assert [h.id for h in search_api.search("outcome", "排队").hits] == [str(outcome.pk)]
