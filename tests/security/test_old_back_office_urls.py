"""The old back-office pages moved into the Wagtail admin (issue 19): their URLs, printed in
e-mails and PDFs, answer with a permanent redirect to the new page (query string kept), and
no staff page renders the public site's layout; every one is no-store."""

import re

import pytest

from complaints.choices import CaseState

pytestmark = pytest.mark.django_db

PUBLIC_LAYOUT = ('class="site-header"', 'class="site-footer"')


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/office/", "/admin/cases/"),
        ("/office/cases/{pk}/", "/admin/cases/{pk}/"),
        ("/dept/", "/admin/cases/inbox/"),
        ("/dept/?state=assigned", "/admin/cases/inbox/?state=assigned"),
        ("/dept/?due=overdue", "/admin/cases/inbox/?due=overdue"),
        ("/dept/cases/{pk}/", "/admin/cases/{pk}/"),
    ],
)
def test_an_old_link_is_moved_permanently(client, world, old, new):
    pk = world["case"].pk
    response = client.get(old.format(pk=pk))
    assert response.status_code == 301
    assert response["Location"] == new.format(pk=pk)
    # and the new page is the same case for whoever may read it
    client.force_login(world["users"]["office" if old == "/office/" else "dept_a"])
    page = client.get(old.format(pk=pk), follow=True)
    assert page.status_code == 200
    if "cases/" in old:
        assert world["case"].number in page.content.decode()


@pytest.mark.parametrize(
    ("role", "old", "new"),
    [
        ("monitor", "/complaints/monitor/", "/admin/monitor-reports/"),
        ("monitor", "/complaints/monitor/{report}/", "/admin/monitor-reports/{report}/"),
        ("dept_a", "/office/evaluation/unit/ratings/", "/admin/evaluation/unit/ratings/"),
        (
            "dept_a",
            "/office/evaluation/unit/ratings/?format=csv",
            "/admin/evaluation/unit/ratings/?format=csv",
        ),
        ("leader", "/office/evaluation/warnings/", "/admin/evaluation/warnings/"),
        ("dept_a", "/office/evaluation/tickets/", "/admin/evaluation/tickets/"),
        ("office", "/office/evaluation/", "/admin/evaluation/office/"),
        ("office", "/office/evaluation/ratings/{rating}/", "/admin/evaluation/ratings/{rating}/"),
        ("dept_a", "/office/evaluation/poster/{unit}/", "/admin/evaluation/poster/{unit}/"),
        ("office", "/office/evaluation/staff-phones/", "/admin/evaluation/staff-phones/"),
        ("office", "/office/evaluation/scores/?year=2025", "/admin/evaluation/scores/?year=2025"),
        ("leader", "/office/evaluation/reports/", "/admin/evaluation/reports/"),
        ("office", "/office/evaluation/reports/{month}/", "/admin/evaluation/reports/{month}/"),
    ],
)
def test_the_monitors_and_the_units_old_links_move_to_the_admin(client, world, role, old, new):
    ids = {
        "report": world["monitor_report"].pk,
        "month": f"{world['report_month']:%Y-%-m}",
        "unit": world["unit_a"].pk,
        "rating": world["rating"].pk,
    }
    response = client.get(old.format(**ids))
    assert response.status_code == 301 and response["Location"] == new.format(**ids)
    client.force_login(world["users"][role])
    assert client.get(old.format(**ids), follow=True).status_code == 200


def test_an_old_link_gives_another_unit_nothing(client, world):
    client.force_login(world["users"]["dept_b"])
    response = client.get(f"/dept/cases/{world['case'].pk}/", follow=True)
    assert response.status_code == 404


def _staff_pages(world):
    case = world["case"]
    return [
        ("office", "/admin/cases/"),
        ("office", "/admin/cases/?state=submitted&due=overdue"),
        ("office", f"/admin/cases/{case.pk}/"),
        ("office", f"/admin/cases/{world['closed'].pk}/"),
        ("office", f"/admin/cases/{case.pk}/supervise/"),
        ("office", f"/admin/bulk/complaints/case/assign/?id={case.pk}"),
        ("leader", "/admin/cases/"),
        ("leader", f"/admin/cases/{case.pk}/"),
        ("dept_a", "/admin/cases/inbox/"),
        ("dept_a", f"/admin/cases/{case.pk}/"),
        ("dept_a", f"/admin/cases/{case.pk}/extension_request/"),
        ("dept_a", f"/admin/bulk/complaints/case/sign/?id={case.pk}"),
        ("leader", "/admin/evaluation/leader/"),
        ("office", "/admin/evaluation/warnings/"),
        ("office", "/admin/evaluation/tickets/"),
        ("dept_a", "/admin/evaluation/tickets/"),
        ("dept_a", f"/admin/evaluation/poster/{world['unit_a'].pk}/"),
        ("office", "/admin/evaluation/staff-phones/"),
        ("office", "/admin/evaluation/office/"),
        ("office", f"/admin/evaluation/ratings/{world['rating'].pk}/"),
        ("leader", "/admin/evaluation/warnings/"),
        ("leader", "/admin/evaluation/scores/"),
        ("office", "/admin/evaluation/reports/"),
        ("leader", f"/admin/evaluation/reports/{world['report_month']:%Y-%-m}/"),
        ("dept_a", "/admin/evaluation/unit/ratings/"),
        ("dept_a", "/admin/evaluation/unit/codes/"),
        ("monitor", "/admin/monitor-reports/"),
        ("monitor", f"/admin/monitor-reports/{world['monitor_report'].pk}/"),
    ]


def test_no_staff_page_renders_the_public_layout_and_none_is_stored(client, world):
    for role, url in _staff_pages(world):
        client.force_login(world["users"][role])
        response = client.get(url)
        assert response.status_code == 200, (role, url)
        html = response.content.decode()
        assert not [m for m in PUBLIC_LAYOUT if m in html], (role, url)
        assert 'id="wagtail-sidebar"' in html or "sidebar" in html, (role, url)
        assert "no-store" in response["Cache-Control"], (role, url)


def test_the_case_page_tells_the_timeline_in_words(client, world):
    client.force_login(world["users"]["office"])
    html = client.get(f"/admin/cases/{world['case'].pk}/").content.decode()
    timeline = re.search(r'id="case-timeline-heading".*?</ol>', html, re.S).group(0)
    assert "case." not in timeline  # no raw event names
    assert "受理" in timeline and "交办" in timeline
    assert world["case"].state == CaseState.SIGNED
