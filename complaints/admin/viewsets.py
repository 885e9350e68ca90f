"""The complaint workbench as one Wagtail `ViewSet` under /admin/cases/: the office's listing,
a department's inbox, the case page, one URL per action, the thread, extension decisions and
the office's follow-up and measure forms (complaints.handling_views)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSet

from .. import handling_views
from .actions import ACTIONS
from .listing import CaseIndexView, DepartmentInboxView
from .views import CaseMessageView, CaseView, ExtensionDecideView, action_view


class CaseViewSet(ViewSet):
    name = "cases"
    icon = "clipboard-list"
    menu_label = _("投诉件")

    def _listing(self, view_class, name, **kwargs):
        return view_class.as_view(
            index_url_name=f"{self.name}:{name}",
            index_results_url_name=f"{self.name}:{name}_results",
            **kwargs,
        )

    def get_urlpatterns(self):
        patterns = [
            path("", self._listing(CaseIndexView, "index"), name="index"),
            path(
                "results/",
                self._listing(CaseIndexView, "index", results_only=True),
                name="index_results",
            ),
            path("inbox/", self._listing(DepartmentInboxView, "inbox"), name="inbox"),
            path(
                "inbox/results/",
                self._listing(DepartmentInboxView, "inbox", results_only=True),
                name="inbox_results",
            ),
            path("<id:pk>/", CaseView.as_view(), name="case"),
            path("<id:pk>/message/", CaseMessageView.as_view(), name="message"),
            path("extensions/<id:pk>/", ExtensionDecideView.as_view(), name="extension_decide"),
            # 回头看 and measures (issue 20): the office's forms on the case page
            path("<id:pk>/followups/", handling_views.followup_schedule, name="followup_schedule"),
            path(
                "followups/<id:pk>/record/", handling_views.followup_record, name="followup_record"
            ),
            path("<id:pk>/measures/", handling_views.measure_add, name="measure_add"),
            path(
                "measures/<id:pk>/rectified/",
                handling_views.measure_rectified,
                name="measure_rectified",
            ),
            path(
                "measures/<id:pk>/publish/", handling_views.measure_publish, name="measure_publish"
            ),
        ]
        patterns += [path(f"<id:pk>/{name}/", action_view(name), name=name) for name in ACTIONS]
        return patterns


case_viewset = CaseViewSet()
