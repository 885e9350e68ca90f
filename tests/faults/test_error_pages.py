"""The error pages: 500 renders without the database (no queries, no context processors),
400/403/404 are pages in the site's style, in the request's language (one language a page)."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults


def test_the_500_page_is_in_the_request_language_and_needs_no_database():
    # no django_db mark: any database access here would raise
    request = RequestFactory().get("/complaints/new/")
    response = defaults.server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "稍后重试" in body and "try again" not in body
    assert "css/site.css" in body
    with translation.override("en"):
        english = defaults.server_error(request).content.decode()
    assert "try again" in english and "稍后重试" not in english


@pytest.mark.django_db
@pytest.mark.parametrize(
    "view,status,words",
    [
        (defaults.bad_request, 400, ("请求有误", "Bad request")),
        (defaults.permission_denied, 403, ("无权访问", "Access denied")),
        (defaults.page_not_found, 404, ("页面不存在", "Page not found")),
    ],
)
def test_the_400_403_404_pages_speak_the_request_language(rf, view, status, words):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/nowhere/")
    request.user = AnonymousUser()
    response = view(request, Exception("x"))
    body = response.content.decode()
    assert response.status_code == status
    assert words[0] in body and words[1] not in body
    assert "css/site.css" in body
    with translation.override("en"):
        english = view(request, Exception("x")).content.decode()
    assert words[1] in english and words[0] not in english
