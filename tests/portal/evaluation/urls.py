"""The URL routes the evaluation tests need, so they do not depend on other apps' routes."""

from django.conf import settings
from django.contrib.staticfiles.views import serve as static_serve
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("captcha/", include("captcha.urls")),
    path("", include("portal.evaluation.urls")),
]
if settings.SERVE_FILES:
    urlpatterns.append(re_path(r"^static/(?P<path>.*)$", static_serve, {"insecure": True}))
urlpatterns.append(path("", include(wagtail_urls)))
