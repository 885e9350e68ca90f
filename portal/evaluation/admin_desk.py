"""The rating tickets, the unit's printable QR poster and the staff-phone import inside the Wagtail admin (issue 19): a
window clerk (the office, or the unit's own department account) issues a single-use ticket;
the office imports a unit's staff mobiles. One form, one service each (services.ticket_issue,
services.staff_phones_import)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cms.models import OfficialPage, Unit
from portal.accounts.guards import Role, holds, unit_object_or_404, unit_scope
from portal.core.adminviews import RoutesViewSet
from portal.core.text import id_or_none

from . import services, unit_ratings
from .admin_base import OfficeDeskView, RoleAdminView
from .forms import StaffPhonesForm
from .office_views import inline_svg, qr_url


class TicketsView(RoleAdminView):
    """Issue a ticket (QR on screen or paper); the page shows issued counts only, never which
    ticket was used (issue 14)."""

    roles = (Role.OFFICE, Role.DEPARTMENT)
    page_title = _("评价券（一次一评）")
    header_icon = "tag"
    template_name = "evaluation/admin/tickets.html"

    def officials(self):
        # another unit's official is not offered, and a posted one is a 404
        return unit_scope(
            self.request.user,
            OfficialPage.objects.live().order_by("display_order", "id"),
            unit_field="unit_id",
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            officials=self.officials()[:500],
            counts=unit_ratings.ticket_counts(user=self.request.user),
            **kwargs,
        )

    def post(self, request):
        official = None
        if request.POST.get("official"):
            # junk (abc, ², 20 digits) is an unknown official: 404, as another unit's
            official = get_object_or_404(self.officials(), pk=id_or_none(request.POST["official"]))
        if official is None and not holds(request.user, Role.DEPARTMENT):
            messages.error(request, _("请选择测评对象"))
            return redirect("evaluation_desk:tickets")
        ticket = services.ticket_issue(user=request.user, official=official)
        # the ticket is shown once, on this answer (not kept for a later GET)
        url = request.build_absolute_uri(reverse("evaluation:ticket", args=[ticket.code]))
        return self.render_to_response(
            self.get_context_data(
                ticket=ticket, ticket_url=url, ticket_svg=inline_svg(url, scale=6)
            )
        )


class StaffPhonesView(OfficeDeskView):
    """Import a unit's staff mobiles (kept only as keyed hashes)."""

    page_title = _("导入工作人员手机号")
    header_icon = "mobile-alt"
    template_name = "evaluation/admin/staff_phones.html"

    def form(self):
        form = StaffPhonesForm(self.request.POST or None)
        form.fields["unit"].choices = [
            (u.pk, u.name) for u in Unit.objects.order_by("display_order")
        ]
        return form

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form())
        return super().get_context_data(**kwargs)

    def post(self, request):
        form = self.form()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        unit = get_object_or_404(Unit, pk=form.cleaned_data["unit"])
        added = services.staff_phones_import(unit=unit, phones=form.cleaned_data["phones"].split())
        messages.success(
            request, ngettext("已导入 %(n)s 个号码", "已导入 %(n)s 个号码", added) % {"n": added}
        )
        return redirect("evaluation_desk:staff_phones")


class PosterView(RoleAdminView):
    """The printable A4 poster: the unit's QR code and one per official (the admin's chrome is
    not printed). No kiosk link: kiosk devices are issued by the office only and never shown
    to the unit's staff (issue 17). Another unit's poster is a 404."""

    roles = (Role.OFFICE, Role.DEPARTMENT)
    page_title = _("二维码海报")
    header_icon = "image"
    template_name = "evaluation/admin/poster.html"

    def get_context_data(self, **kwargs):
        request = self.request
        unit = unit_object_or_404(
            request.user, Unit.objects.all(), unit_field="pk", pk=self.kwargs["unit_id"]
        )
        officials = OfficialPage.objects.live().filter(unit=unit).order_by("display_order", "id")
        return super().get_context_data(
            unit=unit,
            unit_svg=inline_svg(qr_url(request, unit), scale=8),
            rows=[
                {"official": o, "svg": inline_svg(qr_url(request, unit, o), scale=3)}
                for o in officials
            ],
            **kwargs,
        )


class DeskViewSet(RoutesViewSet):
    name = "evaluation_desk"
    url_prefix = "evaluation"
    icon = "tag"
    routes = (
        ("tickets/", TicketsView, "tickets"),
        ("staff-phones/", StaffPhonesView, "staff_phones"),
        ("poster/<id:unit_id>/", PosterView, "poster"),
    )


desk_viewset = DeskViewSet()
