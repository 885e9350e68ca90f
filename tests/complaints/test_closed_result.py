"""Issue 20: closed is not fixed. The complainant's page of a closed case and the published
result show whether the problem was solved, the handling tier, the action taken and, with a
warning letter (预警告知函), the rectification deadline."""

from datetime import date

import pytest

from complaints.choices import HandlingAction, HandlingTier
from complaints.services.workflow import case_accept, case_answer, case_approve, case_close
from tests.complaints.publication import factories as pub
from tests.complaints.publication.conftest import _clean_cache, on_commit  # noqa: F401

pytestmark = pytest.mark.django_db


def _open_tracking(client, case, receipt):
    response = client.post("/complaints/track/", {"number": case.number, "code": receipt.code})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def test_the_closed_case_page_shows_solved_tier_action_and_rectification_date(
    client, make_case, office_user
):
    case, receipt = make_case()
    case = case_accept(case=case, actor=office_user)
    case = case_answer(
        case=case, actor=office_user, answer="已向该单位发出预警告知函。", finding="true"
    )
    case = case_approve(case=case, actor=office_user)
    case_close(
        case=case,
        actor=office_user,
        solved=False,
        handling_tier=HandlingTier.EARLY_SIGN,
        handling_action=HandlingAction.WARNING_LETTER,
        rectify_by=date(2027, 1, 15),
    )

    page = _open_tracking(client, case, receipt)

    assert "已向该单位发出预警告知函。" in page
    assert "<dd data-solved>未解决</dd>" in page
    assert "苗头性问题" in page and "<dd>预警告知函</dd>" in page
    assert "2027年1月15日" in page  # local date format (issue 21)


def test_the_published_result_shows_tier_action_and_rectification_date(
    client,
    make_unit,
    on_commit,  # noqa: F811
):
    office = pub.office()
    case = pub.case_closed(
        unit=make_unit(name="县住房和城乡建设局"),
        text="小区违建投诉半年无人处理。",
        answer="已责令限期拆除。",
        tier=HandlingTier.EARLY_SIGN,
        action=HandlingAction.WARNING_LETTER,
        solved=False,
        actor=office,
    )
    outcome = on_commit(pub.publish, case, actor=office, accountability="")

    html = client.get(f"/results/{outcome.pk}/").content.decode()

    assert "<dd>未解决</dd>" in html
    assert "<dd data-tier>苗头性问题</dd>" in html
    assert "<dd data-action>预警告知函</dd>" in html
    d = case.rectify_by
    assert f"<dd data-rectify-by>{d.year}年{d.month}月{d.day}日</dd>" in html
