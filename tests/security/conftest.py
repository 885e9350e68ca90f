"""A small world for the security tests: two departments, one official, a case assigned to
department A in every stage we need, a rating with a call-back and an appeal, a published
outcome and one account per role — all made through the apps' own services."""

import datetime
import io
import itertools

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.accounts import roles
from tests.factories import StaffUserFactory

_seq = itertools.count(1)
PASSWORD = "pw-2026-security"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (10, 120, 30)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def category(db):
    from complaints.models import Category

    cat, _ = Category.objects.get_or_create(
        code="efficiency", defaults={"name": "办事效率", "display_order": 2}
    )
    return cat


def _kiosk_link(office, clerk, unit, official):
    from portal.evaluation.kiosks import kiosk_device_issue, kiosk_transaction_open

    device, token = kiosk_device_issue(actor=office, unit=unit, name="一号窗口")
    kiosk_transaction_open(actor=clerk, device=device, official=official)
    return token


@pytest.fixture
def world(db, make_unit, make_official, category, django_capture_on_commit_callbacks):
    from complaints.choices import CaseSource
    from complaints.models import AssignmentDocument
    from complaints.services import (
        case_submit,
        monitor_report_submit,
        recover_token_make,
        track_token_make,
    )
    from complaints.services.workflow import case_accept, case_assign, case_sign, extension_request
    from portal.evaluation.models import CallBack
    from portal.evaluation.services import (
        RatingData,
        appeal_file,
        qr_token_make,
        rating_submit,
        ticket_issue,
    )
    from tests.complaints.publication.factories import case_closed, publish

    n = next(_seq)
    unit_a = make_unit(name=f"县人社局{n}")
    unit_b = make_unit(name=f"县医保局{n}")
    official_a = make_official(name=f"李安{n}", unit=unit_a)

    def user(role, unit=None):
        return StaffUserFactory(
            username=f"sec-{role}-{next(_seq)}", role=role, password=PASSWORD, unit=unit
        )

    users = {
        "monitor": user(roles.MONITOR),
        "monitor_b": user(roles.MONITOR),
        "dept_a": user(roles.DEPARTMENT, unit_a),
        "dept_b": user(roles.DEPARTMENT, unit_b),
        "office": user(roles.OFFICE),
        "editor": user(roles.EDITOR),
        "leader": user(roles.LEADER),
    }
    office, dept_a = users["office"], users["dept_a"]

    with django_capture_on_commit_callbacks(execute=True):
        case, receipt = case_submit(
            category=category,
            text="窗口工作人员推诿扯皮，一件事跑了三次。",
            unit=unit_a,
            anonymous=False,
            contact_name="赵六",
            contact_phone="13512345678",
            files=[SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")],
        )
        case_accept(case=case, actor=office)
        case_assign(case=case, actor=office, department=unit_a)
        case_sign(case=case, actor=dept_a)
        case.refresh_from_db()
        extension = extension_request(case=case, actor=dept_a, working_days=2, reason="需要调查")
        report = monitor_report_submit(
            monitor=users["monitor"],
            month=datetime.date.today().replace(day=1),
            category=category,
            text="某窗口午休时间无人值守。",
            unit=unit_a,
        )
        o311, _ = case_submit(
            category=category,
            text="路灯不亮已经一周。",
            source=CaseSource.OPEN311,
            open311_token=f"tok{n}x",
            with_receipt=False,
        )
        closed = case_closed(unit=unit_a, text="办事窗口排队两个小时无人解释。", actor=office)
        publish(closed, actor=office)
        rating = rating_submit(
            official=official_a,
            data=RatingData(
                level=2,
                attitude=1,
                efficiency=2,
                style=1,
                reason="办事拖拉",
                anonymous=True,
                name="",
                phone="",
            ),
            channel="web",
            voter=f"sec-voter-{n}",
        )
        appeal = appeal_file(rating=rating, appellant=dept_a, grounds="与事实不符")
    from portal.evaluation.reports import monthly_report_build

    last_month = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    month_report = monthly_report_build(month=last_month)
    return {
        "report_month": month_report.month,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "official_a": official_a,
        "users": users,
        "case": case,
        "receipt": receipt,
        "attachment": case.attachments.first(),
        "document": AssignmentDocument.objects.filter(case=case).first(),
        "extension": extension,
        "track_token": track_token_make(case=case),
        "recover_token": recover_token_make(case=case),
        "monitor_report": report,
        "open311_case": o311,
        "closed": closed,
        "rating": rating,
        "appeal": appeal,
        "callback": CallBack.objects.filter(rating=rating).first(),
        "qr_token": qr_token_make(unit=unit_a),
        # a device link the office issued, with a transaction the clerk opened (issue 17)
        "kiosk_token": _kiosk_link(office, dept_a, unit_a, official_a),
        "ticket": ticket_issue(user=dept_a, official=official_a),
    }
