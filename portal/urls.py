from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.accounts import twofactor
from portal.core.origin import same_origin_only
from portal.reporting import proof_views

from . import health, metrics_view

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # the switch sits in every (cached) page: a same-origin check instead of a per-visitor token
    path("i18n/setlang/", same_origin_only(set_language), name="set_language"),
    path("captcha/", include("captcha.urls")),
    path("metrics", metrics_view.metrics_view, name="metrics"),
    path("admin/2fa/", include(twofactor)),  # before the admin: staff TOTP sign-in
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # domain apps: each owns its URL module (ratings, complaints, results/search, Open311)
    path("", include("portal.evaluation.urls")),
    # under the tracking cookie's path: the receipt holder's inclusion proof (issue 22)
    path("complaints/track/case/proof.json", proof_views.track_proof, name="transparency_proof"),
    # the rating receipt code is the capability (portal.evaluation.receipts)
    path(
        "ratings/proof/<str:code>.json",
        proof_views.rating_proof_download,
        name="transparency_rating_proof",
    ),
    path("", include("complaints.urls")),
    path("", include("search.urls")),
    path(
        "transparency/", include("portal.reporting.transparency")
    ),  # daily audit-chain head digests
    path("", include("complaints.publication.urls")),
    path("", include("portal.reporting.urls")),
]

if settings.SERVE_FILES:
    # embedded mode (make run): Django serves static and media; production uses nginx
    from django.contrib.staticfiles.views import serve as static_serve
    from django.urls import re_path
    from django.views.static import serve as media_serve

    urlpatterns += [
        re_path(r"^static/(?P<path>.*)$", static_serve, {"insecure": True}),
        re_path(r"^media/(?P<path>.*)$", media_serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Wagtail's page serving last: /, /officials/, /officials/<slug>/, news and policies
urlpatterns.append(path("", include(wagtail_urls)))
