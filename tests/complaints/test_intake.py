import re

import pytest
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.choices import CaseSource, CaseState, SubjectKind
from complaints.models import Case, Category
from complaints.services import receipt_verify
from portal.audit.models import AuditEvent
from portal.core import crypto
from portal.core.sms import outbox as sms_outbox

from .conftest import image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def _form(cat, **extra):
    data = {
        "anonymous": "1",
        "subject_kind": "general",
        "category": cat.pk,
        "text": "办事窗口工作人员态度恶劣。",
        "captcha_0": "x",
        "captcha_1": "PASSED",
    }
    data.update(extra)
    return data


def test_default_categories_come_from_the_data_migration():
    names = set(Category.objects.values_list("name", flat=True))
    assert {"服务态度", "办事效率", "工作作风", "吃拿卡要", "营商环境", "其他"} <= names


def test_anonymous_submission_gives_number_and_sixteen_digit_code_shown_once(client, category):
    response = client.post("/complaints/new/", _form(category))
    assert response.status_code == 302 and response["Location"] == "/complaints/receipt/"
    response = client.get(response["Location"])
    html = response.content.decode()
    case = Case.objects.get()
    assert re.fullmatch(r"TS\d{8}-\d{4}", case.number)
    assert case.number in html
    code = response.context["receipt"].code
    assert re.fullmatch(r"\d{16}", code)
    assert code not in case.receipt_hash and check_password(code, case.receipt_hash)
    assert case.anonymous and case.state == CaseState.SUBMITTED and case.source == CaseSource.WEB
    # the code is not stored anywhere in the clear
    assert not Case.objects.filter(receipt_hash__contains=code).exists()
    assert AuditEvent.objects.filter(chain=f"case:{case.pk}", action="case.submit").count() == 1


def test_tracking_numbers_follow_a_per_day_sequence(make_case):
    first, _ = make_case()
    second, _ = make_case()
    a, b = first.number.split("-"), second.number.split("-")
    assert a[0] == b[0] and int(b[1]) == int(a[1]) + 1


def test_receipt_is_a_signed_proof_that_the_portal_verifies(make_case, client):
    case, receipt = make_case()
    iso = response_iso = receipt.submitted_at.astimezone(
        __import__("zoneinfo").ZoneInfo("Asia/Shanghai")
    ).isoformat(timespec="seconds")
    ok = receipt_verify(
        number=case.number,
        submitted_at=iso,
        text_sha256=receipt.text_sha256,
        signature=receipt.signature,
    )
    assert ok == {"signature_valid": True, "matches_case": True}
    forged = receipt_verify(
        number=case.number, submitted_at=iso, text_sha256="0" * 64, signature=receipt.signature
    )
    assert forged["signature_valid"] is False
    page = client.post(
        "/complaints/verify/",
        {
            "number": case.number,
            "submitted_at": response_iso,
            "text_sha256": receipt.text_sha256,
            "signature": receipt.signature,
        },
    )
    assert "凭证有效" in page.content.decode()


def test_named_contact_is_encrypted_at_rest_and_complainant_is_notified(
    client, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/complaints/new/",
            _form(
                category,
                anonymous="0",
                contact_name="李明",
                contact_phone="13800138000",
                contact_email="liming@example.com",
            ),
        )
    assert response.status_code == 302
    case = Case.objects.get()
    row = Case.objects.filter(pk=case.pk).values().get()
    assert "13800138000" not in str(row) and "liming@example.com" not in str(row)
    assert crypto.decrypt(case.contact_phone_enc) == "13800138000"
    assert any(case.number in m.body for m in mail.outbox)
    assert any(case.number in m["text"] for m in sms_outbox)


def test_named_complaint_without_contact_is_refused_with_a_clear_message(client, category):
    response = client.post("/complaints/new/", _form(category, anonymous="0"))
    assert response.status_code == 400
    assert "实名投诉请填写姓名" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("text", "", "请填写投诉内容"),
        ("category", "999999", "请选择有效的投诉类别"),
        ("captcha_1", "WRONG", "验证码错误"),
    ],
)
def test_bad_input_gets_a_message_not_a_500(client, category, field, value, message):
    response = client.post("/complaints/new/", _form(category, **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_subject_official_is_resolved_from_the_autocomplete_label(client, category, official):
    found = client.get("/complaints/officials.json", {"q": "zwl"}).json()["results"]
    assert found and found[0]["name"] == "张伟丽"
    response = client.post(
        "/complaints/new/",
        _form(category, subject_kind="official", official_label=found[0]["label"]),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.official_id == official.pk and case.unit_id == official.unit_id
    assert case.subject_kind == SubjectKind.OFFICIAL


def test_unknown_official_is_refused(client, category, official):
    response = client.post(
        "/complaints/new/", _form(category, subject_kind="official", official_label="查无此人")
    )
    assert response.status_code == 400
    assert "请从列表中选择被投诉人员" in response.content.decode()


def test_photo_is_stored_without_exif_or_gps(client, category):
    photo = SimpleUploadedFile("IMG_张三.jpg", image_bytes(exif_gps=True), "image/jpeg")
    assert b"SecretCam" in image_bytes(exif_gps=True)
    response = client.post("/complaints/new/", _form(category, attachments=[photo]))
    assert response.status_code == 302
    att = Case.objects.get().attachments.get()
    data = att.file.read()
    assert att.content_type == "image/jpeg"
    assert b"SecretCam" not in data and b"Exif" not in data
    assert "张三" not in att.file.name
    with Image.open(att.file) as img:
        assert not img.getexif()


def test_pdf_and_png_are_accepted_by_content(client, category):
    files = [
        SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf"),
        SimpleUploadedFile("b.bin", image_bytes("PNG"), "application/octet-stream"),
    ]
    response = client.post("/complaints/new/", _form(category, attachments=files))
    assert response.status_code == 302
    types = sorted(Case.objects.get().attachments.values_list("content_type", flat=True))
    assert types == ["application/pdf", "image/png"]


def test_disguised_file_is_refused_by_content(client, category):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an exe", "image/jpeg")
    response = client.post("/complaints/new/", _form(category, attachments=[fake]))
    assert response.status_code == 400
    assert "不是 JPEG、PNG 或 PDF 文件" in response.content.decode()
    assert not Case.objects.exists()


def test_oversized_file_is_refused(client, category, settings):
    settings.COMPLAINT_MAX_ATTACHMENT_BYTES = 100
    photo = SimpleUploadedFile("a.jpg", image_bytes(size=(200, 200)), "image/jpeg")
    response = client.post("/complaints/new/", _form(category, attachments=[photo]))
    assert response.status_code == 400
    assert "附件“a.jpg”超过" in response.content.decode()


def test_more_than_the_allowed_number_of_attachments_is_refused(client, category, settings):
    settings.COMPLAINT_MAX_ATTACHMENTS = 2
    files = [SimpleUploadedFile(f"{i}.png", image_bytes("PNG"), "image/png") for i in range(3)]
    response = client.post("/complaints/new/", _form(category, attachments=files))
    assert response.status_code == 400
    assert "附件最多 2 个" in response.content.decode()


def test_service_refuses_empty_text_and_inactive_category(category):
    from complaints.services import case_submit

    with pytest.raises(ValidationError):
        case_submit(category=category, text="   ")
    category.active = False
    category.save()
    with pytest.raises(ValidationError):
        case_submit(category=category, text="内容")


def test_complaint_form_is_rate_limited_per_client(client, category, settings):
    settings.COMPLAINT_RATE_LIMIT = "2/h"
    for _ in range(2):
        assert client.post("/complaints/new/", _form(category)).status_code == 302
    response = client.post("/complaints/new/", _form(category))
    assert response.status_code == 400
    assert "提交过于频繁，请稍后再试" in response.content.decode()
    assert Case.objects.count() == 2
    # another client (another address) is not affected
    other = client.post("/complaints/new/", _form(category), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_wrong_codes_are_throttled_per_client(client, make_case, settings):
    settings.TRACK_RATE_LIMIT = "3/h"
    settings.TRACK_MAX_FAILURES = 100
    case, _ = make_case()
    for _ in range(3):
        client.post("/complaints/track/", {"number": case.number, "code": "1" * 16})
    response = client.post("/complaints/track/", {"number": case.number, "code": "1" * 16})
    assert response.status_code == 429


def test_truncated_photo_is_refused_as_damaged(client, category):
    broken = SimpleUploadedFile("a.jpg", image_bytes()[:40], "image/jpeg")
    response = client.post("/complaints/new/", _form(category, attachments=[broken]))
    assert response.status_code == 400
    assert "已损坏，无法读取" in response.content.decode()


def test_decompression_bomb_is_refused_not_a_500(client, category, monkeypatch):
    from PIL import Image as PILImage

    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 100)  # Pillow's own limit, lowered
    big = SimpleUploadedFile("big.png", image_bytes("PNG", size=(200, 200)), "image/png")
    response = client.post("/complaints/new/", _form(category, attachments=[big]))
    assert response.status_code == 400
    assert "已损坏，无法读取" in response.content.decode()


def test_a_real_captcha_is_checked_once_and_a_wrong_answer_keeps_nothing(
    client, category, monkeypatch
):
    from captcha.conf import settings as captcha_settings
    from captcha.models import CaptchaStore

    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", False)
    wrong = CaptchaStore.objects.create(challenge="WXYZ", response="wxyz")
    refused = client.post(
        "/complaints/new/", _form(category, captcha_0=wrong.hashkey, captcha_1="abcd")
    )
    assert refused.status_code == 400 and "验证码错误" in refused.content.decode()
    assert not Case.objects.exists()
    assert not CaptchaStore.objects.filter(hashkey=wrong.hashkey).exists()  # one try only
    right = CaptchaStore.objects.create(challenge="ABCD", response="abcd")
    accepted = client.post(
        "/complaints/new/", _form(category, captcha_0=right.hashkey, captcha_1=" ABCD ")
    )
    assert accepted.status_code == 302 and Case.objects.count() == 1
    replay = client.post(
        "/complaints/new/", _form(category, captcha_0=right.hashkey, captcha_1="abcd")
    )
    assert replay.status_code == 400 and Case.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("１３８００１３８０００", "13800138000"), ("+86 138-0013-8000", "13800138000")],
)
def test_a_named_complaint_stores_the_mobile_as_ascii_digits(category, typed, stored):
    from complaints.services import case_submit

    case, _ = case_submit(
        category=category,
        text="实名反映",
        anonymous=False,
        contact_name="李明",
        contact_phone=typed,
    )
    assert crypto.decrypt(case.contact_phone_enc) == stored


@pytest.mark.parametrize("typed", ["1٣٨٠٠١٣٨٠٠٠", "12345", "23800138000"])
def test_a_complaint_with_a_phone_that_is_not_a_mobile_is_refused(client, category, typed):
    from complaints.services import case_submit

    with pytest.raises(ValidationError):
        case_submit(
            category=category,
            text="实名反映",
            anonymous=False,
            contact_name="李明",
            contact_phone=typed,
        )
    response = client.post(
        "/complaints/new/", _form(category, anonymous="0", contact_name="李明", contact_phone=typed)
    )
    assert response.status_code != 302 and not Case.objects.exists()
    assert "请输入11位手机号" in response.content.decode()
