"""The office's ratings desk and one rating as the office sees it, inside the Wagtail admin
(issue 19): by its sequential
id, with channel and time (the office only; the rated unit reads day batches by opaque
reference, unit_ratings; for it and every other role this is a 404), with the revoke and
appeal actions (one form, one service each)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.adminviews import RoutesViewSet

from . import rules, selectors, services
from .admin_base import OfficeDeskView, act, appeal_act
from .forms import AppealDecideForm, AppealForm, RevokeForm
from .models import Rating, RatingAppeal, RatingRevocation
from .warnings import warning_list


class RatingView(OfficeDeskView):
    missing = (Rating.DoesNotExist,)
    header_icon = "list-ul"
    template_name = "evaluation/admin/rating.html"

    def rating(self) -> Rating:
        return self.found(selectors.rating_get_for_user, pk=self.kwargs["pk"])

    def get_page_title(self):
        return _("评价详情 #%(pk)s") % {"pk": self.kwargs["pk"]}

    def get_context_data(self, **kwargs):
        rating = self.rating()
        return super().get_context_data(
            rating=rating,
            # the level's name (满意), never the stored number
            level_name=rules.level_name(rating.level),
            revoke_form=RevokeForm(),
            appeal_form=AppealForm(),
            revocation=RatingRevocation.objects.filter(rating=rating).first(),
            appeals=rating.appeals.all(),
            **kwargs,
        )


class RevokeView(RatingView):
    http_method_names = ["post"]

    def post(self, request, pk):
        rating = self.rating()
        return act(
            request,
            RevokeForm(request.POST),
            lambda d: services.rating_revoke(rating=rating, actor=request.user, reason=d["reason"]),
            done=_("已撤销"),
            then=reverse("evaluation_rating:rating", args=[pk]),
        )


class AppealView(RatingView):
    http_method_names = ["post"]

    def post(self, request, pk):
        rating = self.rating()
        return appeal_act(request, rating, then=reverse("evaluation_rating:rating", args=[pk]))


class RatingViewSet(RoutesViewSet):
    name = "evaluation_rating"
    url_prefix = "evaluation/ratings"
    icon = "list-ul"
    routes = (
        ("<id:pk>/", RatingView, "rating"),
        ("<id:pk>/revoke/", RevokeView, "revoke"),
        ("<id:pk>/appeal/", AppealView, "appeal"),
    )


rating_viewset = RatingViewSet()


class DashboardView(OfficeDeskView):
    """The office's ratings desk: the latest warnings, the call-back queue (overdue first,
    each recorded on its call-back page), the appeals to decide and the latest bad ratings."""

    page_title = _("测评工作台")
    header_icon = "tasks"
    template_name = "evaluation/admin/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            callbacks=selectors.callback_queue(user=user),
            appeals=selectors.appeal_list_pending(user=user),
            bad_ratings=selectors.rating_list_for_user(user=user, bad_only=True, limit=50),
            warnings=warning_list(limit=10),
            **kwargs,
        )


class AppealDecideView(OfficeDeskView):
    http_method_names = ["post"]

    def post(self, request, pk):
        appeal = get_object_or_404(RatingAppeal, pk=pk)
        return act(
            request,
            AppealDecideForm(request.POST),
            lambda d: services.appeal_decide(
                appeal=appeal,
                actor=request.user,
                revoke=d["decision"] == "revoke",
                reason=d["reason"],
            ),
            done=_("复核已完成"),
            then=reverse("evaluation_office:dashboard"),
        )


class OfficeViewSet(RoutesViewSet):
    name = "evaluation_office"
    url_prefix = "evaluation/office"
    icon = "tasks"
    routes = (
        ("", DashboardView, "dashboard"),
        ("appeals/<id:pk>/decide/", AppealDecideView, "appeal_decide"),
    )


office_viewset = OfficeViewSet()
