"""Kiosk devices in the Wagtail admin (issue 17): the office issues a device link (shown once)
and withdraws it; the unit's clerk opens a transaction on one of its devices for an official
(一次一评). The unit's staff never see a device link."""

from django import forms
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cms.models import OfficialPage, Unit
from portal.accounts.guards import Role
from portal.core.adminviews import RoutesViewSet

from . import kiosks
from .admin_base import RoleAdminView, act
from .models_kiosk import KioskDevice


class DeviceIssueForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.order_by("display_order"))
    name = forms.CharField(label=_("评价器名称"), max_length=60)


class TransactionOpenForm(forms.Form):
    device = forms.ModelChoiceField(label=_("评价器"), queryset=KioskDevice.objects.none())
    official = forms.ModelChoiceField(label=_("办理人员"), queryset=OfficialPage.objects.none())

    def __init__(self, *args, unit_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = KioskDevice.objects.filter(
            unit_id=unit_id, withdrawn_at__isnull=True
        )
        self.fields["official"].queryset = (
            OfficialPage.objects.live().filter(unit_id=unit_id).order_by("display_order", "id")
        )


class DeviceListView(RoleAdminView):
    roles = (Role.OFFICE,)
    page_title = _("窗口评价器")
    header_icon = "desktop"
    template_name = "evaluation/admin/kiosk_devices.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            devices=KioskDevice.objects.select_related("unit").order_by("-created_at")[:500],
            **{**kwargs, "form": kwargs.get("form") or DeviceIssueForm()},
        )

    def post(self, request):
        form = DeviceIssueForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        device, token = kiosks.kiosk_device_issue(
            actor=request.user, unit=form.cleaned_data["unit"], name=form.cleaned_data["name"]
        )
        link = request.build_absolute_uri(reverse("evaluation:kiosk", args=[token]))
        # the link is shown in this response only (post, no redirect): never stored, never again
        response = render(
            request,
            "evaluation/admin/kiosk_issued.html",
            {**self.get_context_data(), "device": device, "link": link},
        )
        response["Cache-Control"] = "no-store"
        return response


class DeviceWithdrawView(RoleAdminView):
    roles = (Role.OFFICE,)
    http_method_names = ["post"]

    def post(self, request, pk):
        device = get_object_or_404(KioskDevice, pk=pk)
        return act(
            request,
            forms.Form(request.POST),
            lambda data: kiosks.kiosk_device_withdraw(device=device, actor=request.user),
            done=_("评价器已停用"),
            then=reverse("evaluation_kiosks:devices"),
        )


class TransactionOpenView(RoleAdminView):
    roles = (Role.DEPARTMENT,)
    page_title = _("开始办件评价")
    header_icon = "desktop"
    template_name = "evaluation/admin/kiosk_open.html"

    def get_context_data(self, **kwargs):
        unit_id = self.request.user.unit_id
        devices = KioskDevice.objects.filter(unit_id=unit_id, withdrawn_at__isnull=True)
        return super().get_context_data(
            devices=[(d, kiosks.kiosk_transaction_current(device=d)) for d in devices],
            **{**kwargs, "form": kwargs.get("form") or TransactionOpenForm(unit_id=unit_id)},
        )

    def post(self, request):
        form = TransactionOpenForm(request.POST, unit_id=request.user.unit_id)
        return act(
            request,
            form,
            lambda data: kiosks.kiosk_transaction_open(
                actor=request.user, device=data["device"], official=data["official"]
            ),
            done=_("已开始办件，请办事群众在评价器上评价"),
            then=reverse("evaluation_kiosks:open"),
        )


class KioskViewSet(RoutesViewSet):
    name = "evaluation_kiosks"
    url_prefix = "evaluation/kiosks"
    icon = "desktop"
    routes = (
        ("", DeviceListView, "devices"),
        ("<int:pk>/withdraw/", DeviceWithdrawView, "withdraw"),
        ("open/", TransactionOpenView, "open"),
    )


kiosk_viewset = KioskViewSet()
