"""The office's service-record import (办件导入) in the Wagtail admin (issue 17): a CSV/XLSX
file for one unit; a random sample of the new records is invited by SMS (sampling.py)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSet

from cms.models import Unit
from portal.accounts.guards import Role

from .admin_base import RoleAdminView
from .models_sampling import ServiceRecord, ServiceRecordSource, SmsInvitation
from .sampling import service_records_import, window_endpoint_set
from .sampling_files import record_rows_from_file

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class RecordImportForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.order_by("display_order"))
    file = forms.FileField(label=_("办件清单（CSV 或 XLSX）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("文件不能超过 10 MB"))
        return upload


class EndpointForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.order_by("display_order"))


class RecordImportView(RoleAdminView):
    roles = (Role.OFFICE,)
    page_title = _("办件导入与短信抽样")
    header_icon = "upload"
    template_name = "evaluation/admin/sampling_import.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            form=kwargs.pop("form", None) or RecordImportForm(),
            endpoint_form=EndpointForm(prefix="endpoint"),
            feed_url=self.request.build_absolute_uri(reverse("evaluation:window_records")),
            records=ServiceRecord.objects.count(),
            invited=SmsInvitation.objects.filter(sent_at__isnull=False).count(),
            answered=SmsInvitation.objects.filter(answered_at__isnull=False).count(),
            **kwargs,
        )

    def post(self, request):
        if "endpoint" in request.POST:
            return self._endpoint(request)
        form = RecordImportForm(request.POST, request.FILES)
        if form.is_valid():
            unit = form.cleaned_data["unit"]
            try:
                rows = record_rows_from_file(upload=form.cleaned_data["file"], unit=unit)
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                result = service_records_import(
                    unit=unit, rows=rows, source=ServiceRecordSource.FILE, actor=request.user
                )
                messages.success(
                    request,
                    _(
                        "已导入 %(created)s 条办件（重复 %(skipped)s 条），抽样发送邀请 %(invited)s 条"
                    )
                    % result,
                )
                if result["no_official"]:
                    # a rating is of a named official: such a record is never invited
                    messages.warning(
                        request,
                        _("其中 %(no_official)s 条办件未填工作人员，不参与短信抽样") % result,
                    )
                return redirect(reverse("evaluation_sampling:import"))
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def _endpoint(self, request):
        form = EndpointForm(request.POST, prefix="endpoint")
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(), status=400)
        endpoint, secret = window_endpoint_set(unit=form.cleaned_data["unit"], actor=request.user)
        # the secret is shown in this response only (post, no redirect), never again
        response = self.render_to_response(self.get_context_data(endpoint=endpoint, secret=secret))
        response["Cache-Control"] = "no-store"
        return response


class SamplingViewSet(ViewSet):
    name = "evaluation_sampling"
    url_prefix = "evaluation/sampling"
    icon = "upload"

    def get_urlpatterns(self):
        return [path("", RecordImportView.as_view(), name="import")]


sampling_viewset = SamplingViewSet()
