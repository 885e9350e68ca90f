"""The office's call-back desk in the Wagtail admin (issue 17): the queue (overdue first), one
call-back with its rating, the explicit "reveal phone" action (audited) and the outcome form
(no default answer)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.core.adminviews import RoutesViewSet

from . import callbacks, rules
from .admin_base import OfficeDeskView, with_level_names
from .forms import CallBackForm
from .models import CallBack
from .review import callback_record


class QueueView(OfficeDeskView):
    page_title = _("回访工作台")
    header_icon = "phone"
    template_name = "evaluation/admin/callback_queue.html"

    def get_context_data(self, **kwargs):
        queue = with_level_names(
            callbacks.callback_desk_queue(user=self.request.user), lambda item: item.rating
        )
        return super().get_context_data(queue=queue, **kwargs)


class CallBackView(OfficeDeskView):
    missing = (CallBack.DoesNotExist,)
    page_title = _("回访")
    header_icon = "phone"
    template_name = "evaluation/admin/callback.html"

    def _callback(self, pk):
        return self.found(callbacks.callback_get_for_office, pk=pk)

    def get_context_data(self, **kwargs):
        callback = kwargs.pop("callback")
        return super().get_context_data(
            callback=callback,
            rating=callback.rating,
            level_name=rules.level_name(callback.rating.level),
            form=kwargs.pop("form", None) or CallBackForm(),
            **kwargs,
        )

    def get(self, request, pk):
        return self.render_to_response(self.get_context_data(callback=self._callback(pk)))

    def post(self, request, pk):
        callback = self._callback(pk)
        if "reveal" in request.POST:
            contact = callbacks.callback_contact_reveal(callback=callback, actor=request.user)
            response = self.render_to_response(
                self.get_context_data(callback=callback, contact=contact, revealed=True)
            )
            response["Cache-Control"] = "no-store"  # a phone number is not kept in a cache
            return response
        form = CallBackForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(callback=callback, form=form), status=400
            )
        d = form.cleaned_data
        try:
            callback_record(
                callback=callback,
                actor=request.user,
                reached=d["reached"] == "1",
                verified_true=form.as_bool(d["verified_true"]),
                resolved=form.as_bool(d["resolved"]),
                note=d["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(
                self.get_context_data(callback=callback, form=form), status=400
            )
        messages.success(request, _("回访结果已记录"))
        return redirect(reverse("evaluation_callbacks:queue"))


class CallBackViewSet(RoutesViewSet):
    name = "evaluation_callbacks"
    url_prefix = "evaluation/callbacks"
    icon = "phone"
    routes = (("", QueueView, "queue"), ("<int:pk>/", CallBackView, "callback"))


callback_viewset = CallBackViewSet()
