"""The holiday calendar the office keeps: 2027's Spring Festival loaded from the State
Council's notice moves deadlines; `manage.py check` and /readyz say when the calendar runs out;
a bad file is refused line by line with nothing stored; only the office edits the calendar."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from complaints import checks as complaint_checks
from complaints.models import DepartmentNotice, Holiday
from complaints.services.workflow import case_accept, case_assign, deadline_from_today
from complaints.workdays import add_working_days, calendar_invalidate
from portal.accounts import roles
from portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

# the 2027 arrangement as the office would enter it from the notice
SPRING_2027 = (
    "date,kind,name,notice\n"
    "2027-02-06,holiday,春节,国办发明电〔2026〕7号\n"
    "2027-02-07,holiday,春节,国办发明电〔2026〕7号\n"
    "2027-02-08,holiday,春节,国办发明电〔2026〕7号\n"
    "2027-02-09,holiday,春节,国办发明电〔2026〕7号\n"
    "2027-02-10,holiday,春节,国办发明电〔2026〕7号\n"
    "2027-02-11,holiday,春节,国办发明电〔2026〕7号\n"
    "2027-02-12,holiday,春节,国办发明电〔2026〕7号\n"
    "2027-02-20,workday,春节调休,国办发明电〔2026〕7号\n"
    "2027-01-01,holiday,元旦,国办发明电〔2026〕7号\n"
)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # the merged calendar is cached in-process; the test database is rolled back under it
    calendar_invalidate()
    yield
    calendar_invalidate()


@pytest.fixture
def today_dec_2026(monkeypatch):
    monkeypatch.setattr(complaint_checks, "_today", lambda: date(2026, 12, 3))


def _csv(tmp_path, text, name="holidays.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _load(path):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("holidays_load", path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def dept(make_unit):
    return make_unit(name="县市场监督管理局")


@pytest.fixture
def handler(make_user, dept):
    return make_user(roles.DEPARTMENT, unit=dept)


def test_spring_festival_loaded_by_csv_moves_a_live_deadline_and_tells_the_department(
    tmp_path, client, make_case, office_user, dept, handler, category
):
    # 15 working days from Monday 2027-01-25 on the calendar without 2027: Monday 02-15
    old_deadline = add_working_days(date(2027, 1, 25), 15)
    assert old_deadline == date(2027, 2, 15)
    case, _ = make_case()
    case = case_accept(case=case, actor=office_user)
    case = case_assign(case=case, actor=office_user, department=dept, deadline=old_deadline)

    out, _err = _load(_csv(tmp_path, SPRING_2027))

    assert "新增 9 天" in out and "重新计算办理期限 1 件" in out
    case.refresh_from_db()
    # the same number of working days, now without 元旦 (01-01) and 春节 (02-08..02-12) and
    # with the make-up Saturday 02-20: 02-15..02-19, 02-20, 02-22
    assert case.deadline == date(2027, 2, 22)
    event = AuditEvent.objects.filter(chain=case.audit_chain, action="case.deadline_recompute")
    assert event.get().after["deadline"] == "2027-02-22"
    notice = DepartmentNotice.objects.get(case=case, event="deadline_changed")
    assert "2027-02-22" in notice.text
    client.force_login(handler)
    page = client.get("/dept/notices/").content.decode()
    assert case.number in page and "2027-02-22" in page
    # new deadlines skip the festival too
    category.deadline_working_days = 5
    assert deadline_from_today(category=category, today=date(2027, 2, 5)) == date(2027, 2, 19)
    assert add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 15)
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_loading_the_same_file_again_changes_nothing(tmp_path, make_case, office_user, dept):
    case, _ = make_case()
    case = case_accept(case=case, actor=office_user)
    case = case_assign(case=case, actor=office_user, department=dept, deadline=date(2027, 2, 15))
    path = _csv(tmp_path, SPRING_2027)
    _load(path)
    events = AuditEvent.objects.count()

    out, _err = _load(path)

    assert "新增 0 天，更新 0 天，未变 9 天" in out and "重新计算办理期限 0 件" in out
    assert Holiday.objects.count() == 9 and AuditEvent.objects.count() == events
    case.refresh_from_db()
    assert case.deadline == date(2027, 2, 22)


def test_check_warns_while_2027_is_missing_and_is_silent_once_it_is_loaded(
    tmp_path, client, today_dec_2026
):
    from io import StringIO

    err = StringIO()
    call_command("check", stderr=err, stdout=StringIO())
    assert "complaints.W001" in err.getvalue() and "2027" in err.getvalue()
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["holidays"].startswith("degraded")

    _load(_csv(tmp_path, SPRING_2027))

    err = StringIO()
    call_command("check", stderr=err, stdout=StringIO())
    assert "complaints.W001" not in err.getvalue()
    assert client.get("/readyz").json()["checks"]["holidays"] == "ok"


def test_bad_lines_are_refused_by_number_and_nothing_is_stored(tmp_path):
    bad = (
        "date,kind,name\n"
        "2027-02-08,holiday,春节\n"
        "2027-02-30,holiday,春节\n"
        "2027-02-09,vacation,春节\n"
        "2027-02-10,holiday\n"
        "2027-02-08,workday,春节调休\n"
        "2027-02-11,holiday,\n"
    )
    with pytest.raises(CommandError) as exc:
        _load(_csv(tmp_path, bad))
    assert "未导入任何数据" in str(exc.value)
    assert Holiday.objects.count() == 0
    # every bad line is named, in Chinese
    from django.core.exceptions import ValidationError

    from complaints.services.workflow.holidays import holiday_rows_parse

    with pytest.raises(ValidationError) as exc:
        holiday_rows_parse(bad.encode())
    messages = exc.value.messages
    assert [m.split("：")[0] for m in messages] == [
        "第 3 行",
        "第 4 行",
        "第 5 行",
        "第 6 行",
        "第 7 行",
    ]
    assert "2027-02-30" in messages[0] and "vacation" in messages[1]
    assert "第 2 行" in messages[3]  # the duplicate names the first line


def test_a_file_that_is_not_utf8_text_gets_a_clear_message(tmp_path):
    path = tmp_path / "holidays.xlsx"
    path.write_bytes(b"PK\x03\x04\xff\xfe\x00binary")
    with pytest.raises(CommandError):
        _load(str(path))
    assert Holiday.objects.count() == 0
    with pytest.raises(CommandError) as exc:
        _load(str(tmp_path / "missing.csv"))
    assert "无法读取文件" in str(exc.value)


def test_the_office_edits_the_calendar_in_the_admin_and_the_editor_cannot(
    client, make_user, office_user
):
    editor = make_user(roles.EDITOR)
    client.force_login(editor)
    assert client.get("/admin/holidays/").status_code in (302, 403)
    response = client.post(
        "/admin/holidays/new/", {"date": "2027-05-03", "kind": "holiday", "name": "劳动节"}
    )
    assert response.status_code in (302, 403) and not Holiday.objects.exists()
    # the sidebar (JSON in the page) offers no calendar to the editor
    assert "/admin/holidays/" not in client.get("/admin/").content.decode()

    client.force_login(office_user)
    assert "/admin/holidays/" in client.get("/admin/").content.decode()
    assert client.get("/admin/holidays/").status_code == 200
    response = client.post(
        "/admin/holidays/new/",
        {"date": "2027-05-03", "kind": "holiday", "name": "劳动节", "notice": "国办发明电"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Holiday.objects.get(date=date(2027, 5, 3)).name == "劳动节"
    assert AuditEvent.objects.filter(chain="holidays", action="holidays.save").exists()
    # the cache follows the change at once
    assert add_working_days(date(2027, 4, 30), 1) == date(2027, 5, 4)
    holiday = Holiday.objects.get()
    listing = client.get("/admin/holidays/").content.decode()
    assert "劳动节" in listing
    assert client.post(f"/admin/holidays/delete/{holiday.pk}/").status_code == 302
    assert not Holiday.objects.exists()
    assert add_working_days(date(2027, 4, 30), 1) == date(2027, 5, 3)


def test_the_merged_calendar_is_read_once_and_again_only_after_a_change(
    tmp_path, django_assert_num_queries
):
    add_working_days(date(2027, 2, 5), 1)  # reads the office's entries once
    with django_assert_num_queries(0):
        for day in range(1, 28):
            add_working_days(date(2027, 2, day), 10)
    _load(_csv(tmp_path, SPRING_2027))
    with django_assert_num_queries(1):
        assert add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 15)
        assert add_working_days(date(2027, 2, 19), 1) == date(2027, 2, 20)


def test_spring_festival_loaded_by_csv_moves_a_supervised_deadline_too(
    tmp_path, make_case, office_user, dept, handler
):
    """督办 by hand with a deadline in February 2027: the supervision's own deadline (the one
    the escalation sweep reads) moves with the case's, audited, and the department is told."""
    from complaints.models_handling import Supervision
    from complaints.services.workflow import case_sign, supervision_open

    case, _ = make_case()
    case = case_accept(case=case, actor=office_user)
    case = case_assign(case=case, actor=office_user, department=dept)
    case = case_sign(case=case, actor=handler)
    supervision = supervision_open(
        case=case, actor=office_user, reason="群众反映强烈", deadline=date(2027, 2, 15)
    )

    _load(_csv(tmp_path, SPRING_2027))

    supervision.refresh_from_db()
    case.refresh_from_db()
    assert supervision.deadline == date(2027, 2, 22) == case.deadline
    event = AuditEvent.objects.get(
        chain=case.audit_chain, action="case.supervision_deadline_recompute"
    )
    assert event.before == {"supervision_deadline": "2027-02-15"}
    assert event.after["supervision_deadline"] == "2027-02-22"
    notice = DepartmentNotice.objects.get(case=case, event="supervision_deadline")
    assert "督办期限" in notice.text and "2027-02-22" in notice.text
    assert Supervision.objects.filter(case=case).count() == 1
