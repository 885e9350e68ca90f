"""/results/: search, facets, pagination, feeds, detail pages, and the office desk."""

import pytest
from django.urls import reverse

from complaints.choices import Finding, HandlingAction, HandlingTier
from complaints.publication import services
from complaints.publication.models import PublishedOutcome

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcomes(make_unit, make_official, on_commit):
    """Three published outcomes in two departments, and one closed case left unpublished."""
    roads = make_unit(name="县交通运输局")
    permits = make_unit(name="县行政审批局")
    clerk = make_official(name="赵明远", unit=permits, post="科员")
    office = f.office()
    lamp = f.case_closed(
        unit=roads,
        text="城东路灯不亮已经三个月，晚上出行很危险。",
        answer="已更换路灯二十盏。",
        measures="建立路灯巡查制度。",
        actor=office,
    )
    pothole = f.case_closed(
        unit=roads,
        text="西门大桥路面坑洼，车辆通行困难。",
        answer="已修补路面。",
        finding=Finding.PARTLY,
        actor=office,
    )
    permit = f.case_closed(
        unit=permits,
        official=clerk,
        text="办理营业执照时窗口人员态度冷淡，要求反复提交材料。",
        answer="经核查属实，已约谈当事人。",
        finding=Finding.TRUE,
        tier=HandlingTier.EARLY_SIGN,
        action=HandlingAction.TALK,
        actor=office,
    )
    hidden = f.case_closed(unit=roads, text="路灯杆倾斜存在隐患。", actor=office)
    published = [on_commit(f.publish, c, actor=office) for c in (lamp, pothole, permit)]
    return {
        "lamp": published[0],
        "pothole": published[1],
        "permit": published[2],
        "hidden": hidden,
        "roads": roads,
        "permits": permits,
        "clerk": clerk,
        "office": office,
    }


def _ids(response):
    return [hit.id for hit in response.context["results"].hits]


def test_a_two_character_word_finds_the_outcomes_containing_it_and_not_the_others(client, outcomes):
    response = client.get("/results/", {"q": "路灯"})
    assert response.status_code == 200
    assert _ids(response) == [str(outcomes["lamp"].pk)]  # the unpublished 路灯 case is absent
    html = response.content.decode()
    assert "<mark>路灯</mark>" in html
    response = client.get("/results/", {"q": "路面"})
    assert _ids(response) == [str(outcomes["pothole"].pk)]


def test_facets_count_the_published_outcomes(client, outcomes):
    response = client.get("/results/")
    facets = {facet["field"]: facet for facet in response.context["facets"]}
    departments = {v["label"]: v["count"] for v in facets["department"]["values"]}
    assert departments == {"县交通运输局": 2, "县行政审批局": 1}
    findings = {v["value"]: v["count"] for v in facets["finding"]["values"]}
    assert findings == {Finding.TRUE: 2, Finding.PARTLY: 1}
    officials = {v["label"]: v["count"] for v in facets["official"]["values"]}
    assert officials == {"赵明远": 1}
    assert sum(v["count"] for v in facets["year"]["values"]) == 3


def test_a_facet_filter_narrows_the_list_and_can_be_combined_with_a_query(client, outcomes):
    roads = str(outcomes["roads"].pk)
    response = client.get("/results/", {"department": roads})
    assert sorted(_ids(response)) == sorted([str(outcomes["lamp"].pk), str(outcomes["pothole"].pk)])
    response = client.get("/results/", {"department": roads, "finding": Finding.PARTLY})
    assert _ids(response) == [str(outcomes["pothole"].pk)]
    response = client.get("/results/", {"department": roads, "q": "营业执照"})
    assert _ids(response) == []
    assert "县交通运输局" in response.content.decode()  # the active filter is shown


def test_results_are_paginated(client, outcomes, settings):
    settings.RESULTS_PER_PAGE = 2
    first = client.get("/results/")
    second = client.get("/results/", {"page": 2})
    assert len(_ids(first)) == 2 and len(_ids(second)) == 1
    assert set(_ids(first)).isdisjoint(_ids(second))
    assert 'rel="next"' in first.content.decode()


def test_the_detail_page_shows_the_outcome_with_working_days(client, outcomes):
    outcome = outcomes["permit"]
    response = client.get(f"/results/{outcome.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "县行政审批局",
        "赵明远",
        "属实",
        "已约谈当事人",
        "苗头性问题",
        "约谈",
        "个工作日",
        outcome.number,
    ):
        assert text in html


def test_an_unpublished_case_is_a_404(client, outcomes, on_commit):
    outcome = outcomes["lamp"]
    on_commit(
        services.outcome_unpublish, outcome=outcome, actor=outcomes["office"], reason="涉及隐私"
    )
    assert client.get(f"/results/{outcome.pk}/").status_code == 404
    assert client.get("/results/", {"q": "路灯"}).context["results"].hits == []
    assert client.get("/results/999999/").status_code == 404


def test_the_feeds_list_published_outcomes_only(client, outcomes, on_commit):
    on_commit(
        services.outcome_unpublish,
        outcome=outcomes["pothole"],
        actor=outcomes["office"],
        reason="撤回",
    )
    rss = client.get("/results/feed/").content.decode()
    atom = client.get("/results/feed/atom/").content.decode()
    for feed in (rss, atom):
        assert f"/results/{outcomes['lamp'].pk}/" in feed
        assert f"/results/{outcomes['permit'].pk}/" in feed
        assert f"/results/{outcomes['pothole'].pk}/" not in feed
        assert "路灯杆倾斜" not in feed
    assert "<rss" in rss and "http://www.w3.org/2005/Atom" in atom


def test_the_office_previews_edits_and_publishes_from_the_desk(client, outcomes, on_commit):
    client.force_login(outcomes["office"])
    case = outcomes["hidden"]
    listing = client.get(reverse("publication:office_list"), {"status": "unpublished"})
    assert case.number in listing.content.decode()
    preview = client.get(reverse("publication:office_preview", args=[case.pk]))
    assert preview.status_code == 200
    form = preview.context["form"].initial
    response = on_commit(
        client.post,
        reverse("publication:office_preview", args=[case.pk]),
        {**form, "title": "路灯杆倾斜隐患已排除"},
    )
    assert response.status_code == 302
    outcome = PublishedOutcome.objects.get(case=case)
    assert outcome.is_published and outcome.title == "路灯杆倾斜隐患已排除"
    response = on_commit(
        client.post, reverse("publication:office_unpublish", args=[case.pk]), {"reason": "复核中"}
    )
    outcome.refresh_from_db()
    assert not outcome.is_published


def test_the_office_desk_is_closed_to_departments(client, outcomes):
    client.force_login(f.department_user(outcomes["roads"]))
    case = outcomes["hidden"]
    assert client.get(reverse("publication:office_preview", args=[case.pk])).status_code == 403
    assert (
        client.post(
            reverse("publication:office_unpublish", args=[case.pk]), {"reason": "x"}
        ).status_code
        == 403
    )


def test_outcomes_appear_on_the_site_search_page(client, outcomes):
    html = client.get("/search/", {"q": "路灯"}).content.decode()
    assert "办理结果" in html
    assert f"/results/{outcomes['lamp'].pk}/" in html
    assert "路灯杆倾斜" not in html  # the unpublished case


def test_the_admin_menu_links_the_office_to_the_publication_desk(client, db):
    client.force_login(f.office())
    html = client.get("/admin/").content.decode()
    assert reverse("publication:office_list") in html


@pytest.mark.parametrize(
    "params",
    [{"department": "abc"}, {"official": "-1"}, {"year": "x"}, {"page": "zz"}, {"q": "'\"<>"}],
)
def test_odd_query_parameters_give_an_empty_or_first_page_not_an_error(client, outcomes, params):
    response = client.get("/results/", params)
    assert response.status_code == 200


def test_holding_back_a_published_case_hides_it_at_once(client, outcomes, on_commit):
    from complaints.services import case_publication_set

    outcome = outcomes["lamp"]
    on_commit(
        case_publication_set,
        case=outcome.case,
        actor=outcomes["office"],
        ready=False,
        reason="涉及未成年人",
    )
    assert client.get("/results/", {"q": "路灯"}).context["results"].hits == []
    assert client.get(f"/results/{outcome.pk}/").status_code == 404
    assert f"/results/{outcome.pk}/" not in client.get("/results/feed/").content.decode()


def test_the_preview_marks_each_masked_span_with_its_rule_escaped(client, unit, official):
    office = f.office()
    case = f.case_closed(
        unit=unit,
        official=official,
        text="邻居王明亮<b>天天</b>吵闹，电话139-1234-5678。",
        answer="已联系经办人陈志强。",
        actor=office,
    )
    client.force_login(office)
    page = client.get(reverse("publication:office_preview", args=[case.pk])).content.decode()
    assert '<mark class="masked" title="mobile">〔手机号〕</mark>' in page
    assert '<mark class="masked" title="name_context">王某某</mark>' in page
    assert "&lt;b&gt;天天&lt;/b&gt;" in page and "<b>天天</b>" not in page
    masked = page.split('class="masking-marks"')[1].split("</details>")[0]
    assert "139-1234-5678" not in masked and "陈志强" not in masked


def test_a_page_past_the_last_redirects_to_the_last_keeping_the_filters(client, outcomes, settings):
    settings.RESULTS_PER_PAGE = 2
    roads = str(outcomes["roads"].pk)
    response = client.get("/results/", {"page": 9})
    assert response.status_code == 302 and response["Location"] == "/results/?page=2"
    response = client.get("/results/", {"page": 9, "department": roads, "q": "路"})
    assert response.status_code == 302 and "page" not in response["Location"]  # one page
    assert f"department={roads}" in response["Location"]
    assert client.get("/results/", {"page": "9" * 5000}).status_code == 302


@pytest.mark.parametrize("q", ["*", "！？。", "   ", "“”"])
def test_a_query_without_words_gets_guidance_not_every_result_under_its_name(client, outcomes, q):
    html = client.get("/results/", {"q": q}).content.decode()
    assert "请输入检索词" in html
    assert "”共" not in html and "共 3 条" in html  # the list as without a query


def test_one_character_finds_the_lamp_complaint(client, outcomes):
    response = client.get("/results/", {"q": "灯"})
    assert _ids(response) == [str(outcomes["lamp"].pk)]
    assert "<mark>灯</mark>" in response.content.decode()
