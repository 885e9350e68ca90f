from django.urls import path
from django.views.generic import RedirectView

from . import office_views, receipt_views, report_views, sampling_views, views

app_name = "evaluation"


def _moved(pattern_name: str):
    """301 to the page's new home in the admin (issue 19), the query string kept."""
    return RedirectView.as_view(pattern_name=pattern_name, permanent=True, query_string=True)


urlpatterns = [
    # public: rating form target (the profile itself is Wagtail's /officials/<slug>/)
    path("rate/<id:official_id>/", views.rate, name="rate"),
    path("ratings/receipt/", receipt_views.rating_receipt, name="rating_receipt"),
    path("qr/<str:token>/", views.qr_rate, name="qr"),
    path("qr/<str:token>/<id:official_id>/", views.qr_rate, name="qr_official"),
    path("ticket/<str:code>/", views.ticket_rate, name="ticket"),
    path("kiosk/<str:token>/", views.kiosk, name="kiosk"),
    path("rankings/", report_views.ranking_public, name="ranking"),
    # machine endpoints of the SMS sampling channel (signed; issue 17)
    path("sms/inbound/", sampling_views.sms_inbound, name="sms_inbound"),
    path("sampling/records/", sampling_views.window_records, name="window_records"),
    # back office
    path("office/evaluation/", _moved("evaluation_office:dashboard"), name="office_dashboard"),
    path(
        "office/evaluation/ratings/<id:pk>/",
        _moved("evaluation_rating:rating"),
        name="office_rating",
    ),
    path(
        "office/evaluation/qr/unit/<id:unit_id>.<str:fmt>",
        office_views.qr_unit,
        name="qr_unit_image",
    ),
    path(
        "office/evaluation/qr/official/<id:official_id>.<str:fmt>",
        office_views.qr_official,
        name="qr_official_image",
    ),
    path("office/evaluation/poster/<id:unit_id>/", _moved("evaluation_desk:poster"), name="poster"),
    path("office/evaluation/tickets/", _moved("evaluation_desk:tickets"), name="office_tickets"),
    path("office/evaluation/unit/ratings/", _moved("evaluation_unit:ratings"), name="unit_ratings"),
    path(
        "office/evaluation/unit/ratings/<str:ref>/",
        _moved("evaluation_unit:rating"),
        name="unit_rating",
    ),
    path(
        "office/evaluation/staff-phones/",
        _moved("evaluation_desk:staff_phones"),
        name="office_staff_phones",
    ),
    path(
        "office/evaluation/warnings/", _moved("evaluation_reports:warnings"), name="office_warnings"
    ),
    path(
        "office/evaluation/warnings/actions/<id:pk>/minutes/",
        report_views.warning_minutes,
        name="office_warning_minutes",
    ),
    path("office/evaluation/scores/", _moved("evaluation_reports:scores"), name="office_scores"),
    path("office/evaluation/reports/", _moved("evaluation_reports:reports"), name="office_reports"),
    path(
        "office/evaluation/reports/<id:year>-<id:month>/",
        _moved("evaluation_reports:report"),
        name="office_report",
    ),
    path(
        "office/evaluation/reports/<id:year>-<id:month>.<str:fmt>",
        report_views.report_file,
        name="office_report_file",
    ),
]
