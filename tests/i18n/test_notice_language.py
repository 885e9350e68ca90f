"""Notices to a complainant go out in the language the complaint was written in (stored on the
case at intake), not in the language of the staff member whose action triggered them."""

import pytest
from django.core import mail
from django.utils import translation

from complaints.models import Case
from complaints.services.workflow import case_reject

pytestmark = pytest.mark.django_db


def _file(client, category, language):
    client.cookies["django_language"] = language
    response = client.post(
        "/complaints/new/",
        {
            "anonymous": "1",
            "subject_kind": "general",
            "category": category.pk,
            "text": "办事窗口工作人员态度恶劣。",
            "notify_email": "anon-notice@example.com",
            "captcha_0": "x",
            "captcha_1": "PASSED",
        },
    )
    assert response.status_code in (201, 302)
    return Case.objects.order_by("-id").first()


@pytest.mark.parametrize(
    "language,expected,absent",
    [("en", "There is an update", "新进展"), ("zh-hans", "新进展", "There is an update")],
)
def test_an_anonymous_notice_is_in_the_language_of_intake(
    client, category, office_user, django_capture_on_commit_callbacks, language, expected, absent
):
    case = _file(client, category, language)
    assert case.language == language
    mail.outbox.clear()
    # the staff member works in the other language
    other = "zh-hans" if language == "en" else "en"
    with translation.override(other), django_capture_on_commit_callbacks(execute=True):
        case_reject(case=case, actor=office_user, reason="不属于效能投诉受理范围。")
    assert len(mail.outbox) == 1
    text = mail.outbox[0].subject + mail.outbox[0].body
    assert expected in text and absent not in text
