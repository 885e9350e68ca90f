"""Suspicious-pattern review in the Wagtail admin (issue 17, office only): the open flags,
each flag's ratings, "revoke them all" with one reason and "dismiss" with a reason."""

from django import forms
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSet

from portal.accounts.guards import Role

from . import rules, suspicious_review
from .admin_base import RoleAdminView, act


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": suspicious_review.MSG_REASON},
    )


class FlagListView(RoleAdminView):
    roles = (Role.OFFICE,)
    page_title = _("可疑评价核查")
    header_icon = "warning"
    template_name = "evaluation/admin/suspicious_list.html"

    def get_context_data(self, **kwargs):
        flags = suspicious_review.flags_open(user=self.request.user)
        return super().get_context_data(flags=flags, **kwargs)


class FlagView(RoleAdminView):
    roles = (Role.OFFICE,)
    page_title = _("可疑评价核查")
    header_icon = "warning"
    template_name = "evaluation/admin/suspicious_flag.html"

    def _ratings(self, ref):
        try:
            return suspicious_review.flag_ratings(user=self.request.user, ref=ref)
        except suspicious_review.UnknownFlag as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        ratings = list(self._ratings(kwargs["ref"])[:1000])
        for rating in ratings:
            rating.level_name = rules.level_name(rating.level)
        return super().get_context_data(
            ratings=ratings,
            revoke_form=ReasonForm(prefix="revoke"),
            dismiss_form=ReasonForm(prefix="dismiss"),
            **kwargs,
        )

    def post(self, request, ref):
        self._ratings(ref)  # an unknown flag is a 404
        if "dismiss" in request.POST:
            return act(
                request,
                ReasonForm(request.POST, prefix="dismiss"),
                lambda d: suspicious_review.flag_dismiss(
                    user=request.user, ref=ref, reason=d["reason"]
                ),
                done=_("已驳回该提示"),
                then=reverse("evaluation_suspicious:list"),
            )
        return act(
            request,
            ReasonForm(request.POST, prefix="revoke"),
            lambda d: suspicious_review.flag_revoke_all(
                user=request.user, ref=ref, reason=d["reason"]
            ),
            done=_("已撤销该提示下的评价"),
            then=reverse("evaluation_suspicious:flag", args=[ref]),
        )


class SuspiciousViewSet(ViewSet):
    name = "evaluation_suspicious"
    url_prefix = "evaluation/suspicious"
    icon = "warning"

    def get_urlpatterns(self):
        return [
            path("", FlagListView.as_view(), name="list"),
            path("<str:ref>/", FlagView.as_view(), name="flag"),
        ]


suspicious_viewset = SuspiciousViewSet()
