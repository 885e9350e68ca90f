"""The rated unit's own pages inside the Wagtail admin (issue 19): its ratings at day
granularity with the appeal action, and its QR codes and poster. What the unit may read of
its ratings is unit_ratings' rule (closed days, batches of whole days, no time of day, no
channel, no ticket, no sequential id); these views only show it. Another unit's rating is a
404 (its opaque reference is not among this unit's batches)."""

import csv
import io

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cms.selectors import official_list
from portal.accounts.guards import Role
from portal.core.adminviews import RoutesViewSet

from . import unit_ratings
from .admin_base import RoleAdminView, appeal_act
from .forms import AppealForm

CSV_HEADER = (_("起始日期"), _("截止日期"), _("评价"), _("条数"))


class UnitView(RoleAdminView):
    roles = (Role.DEPARTMENT,)


class UnitRatingsView(UnitView):
    page_title = _("本单位收到的评价")
    header_icon = "list-ul"
    template_name = "evaluation/admin/unit_ratings.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            batches=unit_ratings.unit_rating_batches(user=self.request.user),
            min_batch=settings.RATING_UNIT_MIN_BATCH,
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return self._csv(unit_ratings.unit_rating_batches(user=request.user))
        return super().get(request, *args, **kwargs)

    @staticmethod
    def _csv(batches) -> HttpResponse:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([str(h) for h in CSV_HEADER])
        for batch in batches:
            for name, n in batch["levels"]:
                writer.writerow([batch["first"].isoformat(), batch["last"].isoformat(), name, n])
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="unit-ratings.csv"'
        return response


class UnitRatingView(UnitView):
    """One 差评 of a shown batch, by its opaque reference: reason and the batch's dates (never
    the rating's own day); the appeal form."""

    page_title = _("差评详情")
    header_icon = "list-ul"
    template_name = "evaluation/admin/unit_rating.html"

    def get_context_data(self, **kwargs):
        rating = unit_ratings.unit_rating_by_ref(user=self.request.user, ref=kwargs["ref"])
        return super().get_context_data(
            rating=rating,
            first=rating.batch_first,
            last=rating.batch_last,
            appeal_form=AppealForm(),
            appeals=rating.appeals.filter(appellant__unit_id=self.request.user.unit_id),
            **kwargs,
        )

    def post(self, request, ref):
        rating = unit_ratings.unit_rating_by_ref(user=request.user, ref=ref)
        return appeal_act(request, rating, then=reverse("evaluation_unit:rating", args=[ref]))


class UnitCodesView(UnitView):
    """The unit's QR codes (the unit's and each official's, SVG for print, PNG for screens)
    and its printable poster."""

    page_title = _("二维码与海报")
    header_icon = "image"
    template_name = "evaluation/admin/unit_codes.html"

    def get_context_data(self, **kwargs):
        unit_id = self.request.user.unit_id
        return super().get_context_data(
            unit_id=unit_id,
            officials=official_list(unit_id=unit_id),
            **kwargs,
        )


class UnitViewSet(RoutesViewSet):
    name = "evaluation_unit"
    url_prefix = "evaluation/unit"
    icon = "list-ul"
    routes = (
        ("ratings/", UnitRatingsView, "ratings"),
        ("ratings/<str:ref>/", UnitRatingView, "rating"),
        ("codes/", UnitCodesView, "codes"),
    )


unit_viewset = UnitViewSet()
