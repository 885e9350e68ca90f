"""Screening aids: similar earlier cases (jieba words), retaliation reports kept by the office."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from complaints.choices import CaseState
from complaints.selectors import case_list_for_user, case_similar
from complaints.services import retaliation_report
from complaints.services.workflow import case_accept, case_answer, case_assign
from complaints.similarity import jaccard, text_features
from portal.accounts import roles


@pytest.mark.parametrize(
    "a,b,similar",
    [
        (
            "不动产登记中心窗口工作人员推诿扯皮，让我跑了三趟",
            "不动产登记中心窗口推诿扯皮，跑了三趟还没办成",
            True,
        ),
        ("不动产登记中心窗口工作人员推诿扯皮，让我跑了三趟", "医保报销窗口中午提前停止办理", False),
        ("", "任何内容", False),
    ],
)
def test_similarity_of_texts(a, b, similar):
    assert (jaccard(text_features(a), text_features(b)) >= 0.3) is similar


@pytest.mark.django_db
def test_similar_earlier_cases_are_shown_for_merging(make_case):
    first, _ = make_case(text="不动产登记中心窗口工作人员推诿扯皮，让我跑了三趟")
    make_case(text="医保报销窗口中午提前停止办理，群众白等")
    again, _ = make_case(text="不动产登记中心窗口推诿扯皮，我跑了三趟还没办成")
    found = case_similar(case=again)
    assert [c.pk for _, c in found] == [first.pk]


@pytest.mark.django_db
def test_retaliation_report_becomes_an_urgent_case_the_office_keeps(
    client, category, make_unit, make_user, office_user
):
    from complaints.services import case_submit

    dept = make_unit(name="县城管局")
    handler = make_user(roles.DEPARTMENT, unit=dept)
    case, receipt = case_submit(
        category=category,
        text="城管执法粗暴",
        unit=dept,
        anonymous=False,
        contact_name="孙七",
        contact_phone="13600000000",
    )
    case = case_accept(case=case, actor=office_user)
    case = case_assign(case=case, actor=office_user, department=dept)
    url = client.post("/complaints/track/", {"number": case.number, "code": receipt.code})[
        "Location"
    ]
    assert (
        client.post(url + "retaliation/", {"text": "投诉后摊位被连续查处三次。"}).status_code == 302
    )
    linked = case.related_cases.get()
    assert linked.retaliation and linked.urgent and linked.state == CaseState.ACCEPTED
    assert linked.department is None
    assert linked not in case_list_for_user(user=handler)
    with pytest.raises(ValidationError):
        case_assign(case=linked, actor=office_user, department=dept)
    # the office answers it itself; the complainant opens it with the same code
    linked = case_answer(
        case=linked,
        actor=office_user,
        answer="已约谈城管局负责人，停止针对性检查。",
        finding="true",
    )
    assert linked.state == CaseState.ANSWERED
    assert (
        client.post(
            "/complaints/track/", {"number": linked.number, "code": receipt.code}
        ).status_code
        == 302
    )


@pytest.mark.django_db
def test_office_cannot_answer_a_case_it_assigned(make_case, office_user, make_unit):
    case, _ = make_case()
    case = case_accept(case=case, actor=office_user)
    case = case_assign(case=case, actor=office_user, department=make_unit())
    from complaints.models import Case

    Case.objects.filter(pk=case.pk).update(state=CaseState.SIGNED)  # as if the dept signed
    case.refresh_from_db()
    with pytest.raises(PermissionDenied):
        case_answer(case=case, actor=office_user, answer="x", finding="true")


@pytest.mark.django_db
def test_anonymous_complainants_cannot_file_retaliation_reports(make_case):
    case, _ = make_case()
    with pytest.raises(ValidationError):
        retaliation_report(case=case, text="x")
