from django.urls import path, re_path
from django.views.generic import RedirectView

from . import admin_views, office_views, views
from .open311 import api as open311

app_name = "complaints"


def _moved(pattern_name: str):
    """301 to the page's new home in the admin, the query string kept (/dept/?state=assigned
    is the inbox filtered the same way)."""
    return RedirectView.as_view(pattern_name=pattern_name, permanent=True, query_string=True)


urlpatterns = [
    path("complaints/new/", views.complaint_new, name="new"),
    path("complaints/receipt/", views.receipt, name="receipt"),
    path("complaints/officials.json", views.official_search, name="official_search"),
    path("complaints/track/", views.track, name="track"),
    # the follow-up pages: token in an HttpOnly cookie, never in the URL (issue 14)
    path("complaints/track/case/", views.track_current, name="track_current"),
    path(
        "complaints/track/case/message/",
        views.track_current_message,
        name="track_current_message",
    ),
    path(
        "complaints/track/case/callback/",
        views.track_current_callback,
        name="track_current_callback",
    ),
    path(
        "complaints/track/case/retaliation/",
        views.track_current_retaliation,
        name="track_current_retaliation",
    ),
    path(
        "complaints/track/case/files/<id:pk>/",
        views.track_current_attachment,
        name="track_current_attachment",
    ),
    # links issued before: the token is moved into the cookie of whoever opens it (no action
    # route takes a token in its path: a token copied from a log is no capability)
    path("complaints/track/<str:token>/", views.track_case, name="track_case"),
    path("complaints/recover/", views.recover, name="recover"),
    path("complaints/recover/<str:token>/", views.recover_open, name="recover_open"),
    path("complaints/verify/", views.verify, name="verify"),
    # the monitors' pages moved into the admin (issue 19, complaints.admin.monitor); the
    # reminders' SMS still carry this path
    path("complaints/monitor/", _moved("monitor_reports:index"), name="monitor_reports"),
    path("complaints/monitor/<id:pk>/", _moved("monitor_reports:report"), name="monitor_report"),
    # Open311 GeoReport v2
    re_path(
        r"^open311/v2/discovery\.(?P<fmt>json|xml)$", open311.discovery, name="open311_discovery"
    ),
    re_path(r"^open311/v2/services\.(?P<fmt>json|xml)$", open311.services, name="open311_services"),
    re_path(
        r"^open311/v2/services/(?P<code>[-\w]+)\.(?P<fmt>json|xml)$",
        open311.service_definition,
        name="open311_service_definition",
    ),
    re_path(
        r"^open311/v2/requests\.(?P<fmt>json|xml)$", open311.requests_view, name="open311_requests"
    ),
    re_path(
        r"^open311/v2/requests/(?P<request_id>[-\w]+)\.(?P<fmt>json|xml)$",
        open311.request_detail,
        name="open311_request",
    ),
    re_path(
        r"^open311/v2/tokens/(?P<token>[-\w]+)\.(?P<fmt>json|xml)$",
        open311.token_detail,
        name="open311_token",
    ),
    path("open311/v2/", open311.index, name="open311_index"),
    # the back office moved into the Wagtail admin (issue 19, complaints.admin): the old pages
    # answer with a permanent redirect, so links in e-mails and PDFs still work (the old
    # POST-only action routes are gone: nothing links to them)
    path("office/", _moved("cases:index"), name="office_dashboard"),
    path("office/cases/<id:pk>/", _moved("cases:case"), name="office_case"),
    path("office/monitors/", office_views.monitor_reports, name="office_monitor_reports"),
    path("office/documents/<id:pk>.pdf", office_views.document_pdf, name="document_pdf"),
    path("office/files/<id:pk>/", office_views.attachment_download, name="staff_attachment"),
    path("dept/", _moved("cases:inbox"), name="dept_inbox"),
    path("dept/exchange/inbound/", office_views.exchange_inbound, name="exchange_inbound"),
    path("dept/cases/<id:pk>/", _moved("cases:case"), name="dept_case"),
    # the office's integration screens (menu in the Wagtail admin) and department notices
    path("office/open311-clients/", admin_views.open311_clients, name="admin_open311_clients"),
    path("office/secret/", admin_views.secret_once, name="admin_secret_once"),
    path(
        "office/open311-clients/new/",
        admin_views.open311_client_new,
        name="admin_open311_client_new",
    ),
    path(
        "office/open311-clients/<id:pk>/active/",
        admin_views.open311_client_active,
        name="admin_open311_client_active",
    ),
    path("office/exchange/endpoints/", admin_views.endpoints, name="admin_endpoints"),
    path("office/exchange/endpoints/new/", admin_views.endpoint_new, name="admin_endpoint_new"),
    path(
        "office/exchange/endpoints/<id:pk>/url/",
        admin_views.endpoint_url,
        name="admin_endpoint_url",
    ),
    path(
        "office/exchange/endpoints/<id:pk>/rotate/",
        admin_views.endpoint_rotate,
        name="admin_endpoint_rotate",
    ),
    path(
        "office/exchange/endpoints/<id:pk>/active/",
        admin_views.endpoint_active,
        name="admin_endpoint_active",
    ),
    path("office/exchange/deliveries/", admin_views.deliveries, name="admin_deliveries"),
    path(
        "office/exchange/deliveries/<id:pk>/retry/",
        admin_views.delivery_retry,
        name="admin_delivery_retry",
    ),
    path("office/staff-mobiles/", admin_views.staff_mobiles, name="admin_staff_mobiles"),
    path("office/staff-mobiles/<id:pk>/", admin_views.staff_mobile, name="admin_staff_mobile"),
    path("dept/notices/", admin_views.department_notices, name="dept_notices"),
    path(
        "dept/notices/<id:pk>/read/",
        admin_views.department_notice_read,
        name="dept_notice_read",
    ),
    path(
        "dept/notices/read/",
        admin_views.department_notices_read_all,
        name="dept_notices_read_all",
    ),
]
