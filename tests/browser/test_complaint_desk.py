"""A netizen on a phone files an anonymous complaint with a photo, keeps the receipt, and
follows it up on /complaints/track/."""

import io

import pytest
from PIL import Image

from complaints.models import Category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo(tmp_path):
    img = Image.new("RGB", (64, 48), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneCam"
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif.tobytes())
    path = tmp_path / "现场照片.jpg"
    path.write_bytes(buf.getvalue())
    return path


def test_anonymous_complaint_with_photo_on_a_phone_then_follow_up(
    phone_page, axe_check, screenshot, tmp_path
):
    Category.objects.get_or_create(code="efficiency", defaults={"name": "办事效率"})
    page = phone_page
    page.goto(page.base + "/complaints/new/")
    axe_check(page)
    screenshot(page, "complaint-form-phone")
    # the contact fields are hidden while "anonymous" is chosen
    assert not page.locator("#id_contact_name").is_visible()
    page.select_option("#id_category", label="办事效率")
    page.fill("#id_text", "不动产登记窗口让我来回跑了三趟，每次要求的材料都不一样。")
    page.set_input_files("#id_attachments", str(_photo(tmp_path)))
    page.fill("#id_captcha_1", "PASSED")
    page.get_by_role("button", name="提交投诉").click()
    page.wait_for_selector("[data-receipt]")
    number = page.locator("[data-receipt-number]").inner_text().strip()
    code = page.locator("[data-receipt-code]").inner_text().strip()
    assert number.startswith("TS") and len(code.replace(" ", "")) == 16
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the receipt must fit a phone screen"
    screenshot(page, "complaint-receipt-phone")
    page.get_by_role("link", name="核验提交凭证").click()
    page.wait_for_selector("[data-verify-result]")
    assert "凭证有效" in page.locator("[data-verify-result]").inner_text()

    page.goto(page.base + "/complaints/track/")
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("[data-case-state]")
    assert page.locator("[data-case-state]").inner_text() == "待受理"
    assert "提交投诉" in page.locator(".timeline").inner_text()
    page.fill("#id_text", "补充：当天上午十点，二号窗口。")
    page.get_by_role("button", name="发送留言").click()
    page.wait_for_selector("text=补充：当天上午十点，二号窗口。")
    axe_check(page)
    screenshot(page, "complaint-track-phone")
