"""The office's case listing and the department inbox in the Wagtail admin (issue 19; formerly
/office/ and /dept/): what each role may see and do (another unit's case is a 404)."""

import pytest

from complaints.choices import CaseState
from complaints.models import AssignmentDocument
from complaints.services.workflow import case_accept, case_assign
from portal.accounts import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_case, make_user, make_unit, office_user):
    dept_a, dept_b = make_unit(name="县人社局"), make_unit(name="县医保局")
    handler_a = make_user(roles.DEPARTMENT, unit=dept_a)
    handler_b = make_user(roles.DEPARTMENT, unit=dept_b)
    case, _ = make_case(anonymous=False, contact_name="赵六", contact_phone="13512345678")
    case = case_accept(case=case, actor=office_user)
    case = case_assign(case=case, actor=office_user, department=dept_a)
    return {"case": case, "a": handler_a, "b": handler_b, "office": office_user}


def test_office_listing_shows_the_cases(client, setup, make_case):
    submitted, _ = make_case()
    client.force_login(setup["office"])
    response = client.get("/admin/cases/")
    assert response.status_code == 200
    html = response.content.decode()
    assert submitted.number in html and setup["case"].number in html and "待受理" in html


def test_only_the_office_opens_the_listing(client, setup, make_user):
    client.force_login(setup["a"])
    assert client.get("/admin/cases/").status_code == 404
    client.force_login(make_user(roles.MONITOR))  # not admitted to the admin at all
    assert client.get("/admin/cases/").status_code in (302, 403, 404)
    assert setup["case"].number not in client.get("/admin/cases/", follow=True).content.decode()
    client.logout()
    response = client.get("/admin/cases/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_department_b_cannot_open_department_a_case(client, setup):
    case = setup["case"]
    doc = AssignmentDocument.objects.get(case=case)
    att_case = case
    client.force_login(setup["b"])
    assert client.get(f"/admin/cases/{case.pk}/").status_code == 404
    assert client.post(f"/admin/cases/{case.pk}/sign/", {}).status_code == 404
    assert client.get(f"/office/documents/{doc.pk}.pdf").status_code == 404
    assert (
        client.post(
            f"/admin/cases/{case.pk}/extension_request/", {"working_days": 2, "reason": "x"}
        ).status_code
        == 404
    )
    assert client.post(f"/admin/bulk/complaints/case/sign/?id={case.pk}").status_code == 404
    assert case.number not in client.get("/admin/cases/inbox/").content.decode()
    att_case.refresh_from_db()
    assert att_case.state == CaseState.ASSIGNED


def test_department_a_sees_signs_and_answers_its_case_but_not_the_contact(client, setup):
    case = setup["case"]
    client.force_login(setup["a"])
    inbox = client.get("/admin/cases/inbox/").content.decode()
    assert case.number in inbox
    detail = client.get(f"/admin/cases/{case.pk}/").content.decode()
    assert "13512345678" not in detail and "赵六" not in detail
    assert client.post(f"/admin/bulk/complaints/case/sign/?id={case.pk}").status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.SIGNED
    client.post(f"/admin/cases/{case.pk}/answer/", {"answer": "已办理", "finding": "true"})
    case.refresh_from_db()
    assert case.state == CaseState.ANSWERED
    pdf = client.get(f"/office/documents/{AssignmentDocument.objects.get(case=case).pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_office_sees_the_contact_of_a_named_complainant(client, setup):
    client.force_login(setup["office"])
    html = client.get(f"/admin/cases/{setup['case'].pk}/").content.decode()
    assert "13512345678" in html


def test_invalid_action_from_the_page_gives_a_message_not_a_500(client, setup):
    case = setup["case"]
    client.force_login(setup["office"])
    response = client.post(f"/admin/cases/{case.pk}/close/", {}, follow=True)
    assert response.status_code == 200
    assert "状态下不能" in response.content.decode()


def test_inbox_filters_overdue(client, setup):
    from complaints.models import Case

    case = setup["case"]
    client.force_login(setup["a"])
    assert case.number not in client.get("/admin/cases/inbox/?due=overdue").content.decode()
    import datetime

    Case.objects.filter(pk=case.pk).update(deadline=datetime.date(2026, 1, 5))
    assert case.number in client.get("/admin/cases/inbox/?due=overdue").content.decode()


def test_assignment_document_pdf_has_readable_chinese(setup):
    from complaints.documents import document_pdf

    doc = AssignmentDocument.objects.get(case=setup["case"])
    data = document_pdf(doc)
    assert data.startswith(b"%PDF")
    import pypdfium2

    text = pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range()
    assert doc.number in text and doc.department.name in text
    # the glyphs are embedded when a TrueType CJK font is installed, else the CID fallback
    assert b"/FontFile2" in data or b"STSong-Light" in data


def test_office_bundles_typical_problems_into_a_weekly_batch(
    client, make_case, make_unit, office_user
):
    from complaints.models import AssignmentBatch

    unit_a, unit_b = make_unit(name="县教育局"), make_unit(name="县卫健委")
    cases = []
    for unit in (unit_a, unit_b):
        case, _ = make_case(unit=unit)
        cases.append(case_accept(case=case, actor=office_user))
    general, _ = make_case()
    general = case_accept(case=general, actor=office_user)
    client.force_login(office_user)
    ids = "&".join(f"id={c.pk}" for c in cases)
    response = client.post(
        f"/admin/bulk/complaints/case/assign/?{ids}", {"title": "第47周"}, follow=True
    )
    assert "已交办 2 件" in response.content.decode()
    batch = AssignmentBatch.objects.get()
    assert batch.documents.count() == 2
    for case, unit in zip(cases, (unit_a, unit_b), strict=True):
        case.refresh_from_db()
        assert case.state == CaseState.ASSIGNED and case.department == unit
    # a general case has no unit to route to: refused with a message, nothing half-done
    response = client.post(f"/admin/bulk/complaints/case/assign/?id={general.pk}", follow=True)
    assert "没有可交办的单位" in response.content.decode()
    general.refresh_from_db()
    assert general.state == CaseState.ACCEPTED and AssignmentBatch.objects.count() == 1


def test_department_b_cannot_download_department_a_attachments(
    client, make_case, make_unit, make_user, office_user
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import image_bytes

    dept_a, dept_b = make_unit(name="县税务局"), make_unit(name="县公安局")
    photo = SimpleUploadedFile("p.png", image_bytes("PNG"), "image/png")
    case, _ = make_case(files=[photo])
    case = case_accept(case=case, actor=office_user)
    case = case_assign(case=case, actor=office_user, department=dept_a)
    att = case.attachments.get()
    client.force_login(make_user(roles.DEPARTMENT, unit=dept_b))
    assert client.get(f"/office/files/{att.pk}/").status_code == 404
    client.force_login(make_user(roles.DEPARTMENT, unit=dept_a))
    response = client.get(f"/office/files/{att.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.logout()
    assert client.get(f"/office/files/{att.pk}/").status_code == 302
    # and the file is not under the public /media/ tree
    assert client.get(f"/media/{att.file.name}").status_code == 404


def test_leader_reads_but_cannot_act(client, setup, make_user):
    leader = make_user(roles.LEADER)
    client.force_login(leader)
    case = setup["case"]
    assert client.get("/admin/cases/").status_code == 200
    assert client.get(f"/admin/cases/{case.pk}/").status_code == 200
    response = client.post(f"/admin/cases/{case.pk}/reject/", {"reason": "x"})
    # the admin's own denial: back to the admin's home with a message
    assert response.status_code == 403 or response["Location"] == "/admin/"
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED


def test_department_attaches_evidence_to_its_answer_which_stays_internal(client, setup):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from complaints.services import track_token_make

    from .conftest import pdf_bytes

    case = setup["case"]
    client.force_login(setup["a"])
    client.post(f"/admin/bulk/complaints/case/sign/?id={case.pk}")
    proof = SimpleUploadedFile("整改报告.pdf", pdf_bytes(), "application/pdf")
    client.post(
        f"/admin/cases/{case.pk}/answer/",
        {"answer": "已整改", "finding": "true", "evidence": [proof]},
    )
    case.refresh_from_db()
    assert case.state == CaseState.ANSWERED
    evidence = case.attachments.get(evidence=True)
    assert client.get(f"/office/files/{evidence.pk}/").status_code == 200
    token = track_token_make(case=case)
    assert client.get(f"/complaints/track/{token}/files/{evidence.pk}/").status_code == 404
