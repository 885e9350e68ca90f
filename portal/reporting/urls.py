from django.urls import path

from . import stats

app_name = "stats"

urlpatterns = [
    path("stats/", stats.stats_page, name="page"),
    path("stats/export.csv", stats.export_csv, name="export_csv"),
    path("stats/export.xlsx", stats.export_xlsx, name="export_xlsx"),
]
