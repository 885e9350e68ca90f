"""The error pages: 500 renders without the database (no queries, no context processors),
400/403/404 are bilingual pages in the site's style."""

import pytest
from django.test import RequestFactory
from django.views import defaults


def test_the_500_page_is_bilingual_and_needs_no_database():
    # no django_db mark: any database access here would raise
    request = RequestFactory().get("/complaints/new/")
    response = defaults.server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "稍后重试" in body and "try again" in body
    assert "css/site.css" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "view,status,words",
    [
        (defaults.bad_request, 400, ("请求有误", "Bad request")),
        (defaults.permission_denied, 403, ("无权访问", "Forbidden")),
        (defaults.page_not_found, 404, ("页面不存在", "Page not found")),
    ],
)
def test_the_400_403_404_pages_are_bilingual(rf, view, status, words):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/nowhere/")
    request.user = AnonymousUser()
    response = view(request, Exception("x"))
    body = response.content.decode()
    assert response.status_code == status
    assert all(w in body for w in words)
    assert "css/site.css" in body
