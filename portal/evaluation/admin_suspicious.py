"""Suspicious-pattern review in the Wagtail admin (issue 17, office only): the open flags,
each flag's ratings, "revoke them all" with one reason and "dismiss" with a reason."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.adminviews import RoutesViewSet

from . import suspicious_review
from .admin_base import OfficeDeskView, act, with_level_names


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": suspicious_review.MSG_REASON},
    )


class FlagListView(OfficeDeskView):
    page_title = _("可疑评价核查")
    header_icon = "warning"
    template_name = "evaluation/admin/suspicious_list.html"

    def get_context_data(self, **kwargs):
        flags = suspicious_review.flags_open(user=self.request.user)
        return super().get_context_data(flags=flags, **kwargs)


class FlagView(OfficeDeskView):
    missing = (suspicious_review.UnknownFlag,)
    page_title = _("可疑评价核查")
    header_icon = "warning"
    template_name = "evaluation/admin/suspicious_flag.html"

    def _ratings(self, ref):
        return self.found(suspicious_review.flag_ratings, ref=ref)

    def get_context_data(self, **kwargs):
        ratings = with_level_names(list(self._ratings(kwargs["ref"])[:1000]))
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


class SuspiciousViewSet(RoutesViewSet):
    name = "evaluation_suspicious"
    url_prefix = "evaluation/suspicious"
    icon = "warning"
    routes = (("", FlagListView, "list"), ("<str:ref>/", FlagView, "flag"))


suspicious_viewset = SuspiciousViewSet()
