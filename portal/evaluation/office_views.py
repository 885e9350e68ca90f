"""Back-office pages for the efficiency office (and department clerks for tickets/appeals)."""

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cms.models import OfficialPage, Unit
from portal.accounts.guards import Role, holds, role_required, unit_object_or_404, unit_scope
from portal.core.text import id_or_none

from . import rules, selectors, services, unit_ratings
from .forms import AppealDecideForm, AppealForm, CallBackForm, RevokeForm, StaffPhonesForm
from .models import CallBack, OfficialWarning, Rating, RatingAppeal

office_only = role_required(Role.OFFICE)
# a unit's QR codes, poster and tickets: the office, and the unit's own department account
UNIT_STAFF = (Role.OFFICE, Role.DEPARTMENT)


@office_only
def dashboard(request):
    return render(
        request,
        "evaluation/office/dashboard.html",
        {
            "callbacks": selectors.callback_queue(user=request.user),
            "appeals": selectors.appeal_list_pending(user=request.user),
            "bad_ratings": selectors.rating_list_for_user(
                user=request.user, bad_only=True, limit=50
            ),
            "callback_form": CallBackForm(),
            "warnings": OfficialWarning.objects.select_related("official").order_by("-created_at")[
                :10
            ],
        },
    )


# One rating by its (sequential) id, with channel and time: the office only. The rated unit
# reads its ratings by day batches and opaque references (unit_ratings, issue 14); for it and
# every other role these are a 404.
office_hidden = role_required(Role.OFFICE, hide=True)


@office_hidden
def rating_detail(request, pk):
    try:
        rating = selectors.rating_get_for_user(user=request.user, pk=pk)
    except Rating.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "evaluation/office/rating.html",
        {
            "rating": rating,
            # the level's name (满意), never the stored number
            "level_name": rules.level_name(rating.level),
            "revoke_form": RevokeForm(),
            "appeal_form": AppealForm(),
            "revocation": getattr(rating, "revocation", None) if _has_revocation(rating) else None,
            "appeals": rating.appeals.all(),
            "is_office": holds(request.user, Role.OFFICE),
        },
    )


def _has_revocation(rating):
    try:
        rating.revocation  # noqa: B018
    except Rating.revocation.RelatedObjectDoesNotExist:
        return False
    return True


def _act(request, form_class, act, *, done, invalid, then):
    """One back-office action (POST): a valid form -> `act(form)`, which calls one service, and
    the `done` message; the service's refusal or an invalid form -> an error message. Always
    back to `then` (url name, args)."""
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
    else:
        try:
            act(form)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, done)
    return redirect(*then)


@office_only
@require_POST
def rating_revoke(request, pk):
    rating = get_object_or_404(Rating, pk=pk)
    return _act(
        request,
        RevokeForm,
        lambda form: services.rating_revoke(
            rating=rating, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        done=_("已撤销"),
        invalid=_("请填写撤销理由"),
        then=("evaluation:office_rating", pk),
    )


@office_hidden
@require_POST
def rating_appeal(request, pk):
    try:
        rating = selectors.rating_get_for_user(user=request.user, pk=pk)
    except Rating.DoesNotExist as exc:
        raise Http404 from exc
    return _act(
        request,
        AppealForm,
        lambda form: services.appeal_file(
            rating=rating, appellant=request.user, grounds=form.cleaned_data["grounds"]
        ),
        done=_("申诉已提交"),
        invalid=_("请填写申诉理由"),
        then=("evaluation:office_rating", pk),
    )


@office_only
@require_POST
def appeal_decide(request, pk):
    appeal = get_object_or_404(RatingAppeal, pk=pk)
    return _act(
        request,
        AppealDecideForm,
        lambda form: services.appeal_decide(
            appeal=appeal,
            actor=request.user,
            revoke=form.cleaned_data["decision"] == "revoke",
            reason=form.cleaned_data["reason"],
        ),
        done=_("复核已完成"),
        invalid=_("请填写复核意见"),
        then=("evaluation:office_dashboard",),
    )


@office_only
@require_POST
def callback_record(request, pk):
    callback = get_object_or_404(CallBack, pk=pk)

    def record(form):
        d = form.cleaned_data
        services.callback_record(
            callback=callback,
            actor=request.user,
            reached=d["reached"] == "1",
            verified_true=form.as_bool(d["verified_true"]),
            resolved=form.as_bool(d["resolved"]),
            note=d["note"],
        )

    return _act(
        request,
        CallBackForm,
        record,
        done=_("回访结果已记录"),
        invalid=_("请选择是否联系上"),
        then=("evaluation:office_dashboard",),
    )


# --- QR codes, posters, kiosks, tickets ----------------------------------------------------


def _qr_response(url, fmt):
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    if fmt == "svg":
        qr.save(buffer, kind="svg", scale=6, border=2, title="评价二维码")
        return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    qr.save(buffer, kind="png", scale=8, border=2)
    return HttpResponse(buffer.getvalue(), content_type="image/png")


def _qr_url(request, unit, official=None):
    token = services.qr_token_make(unit=unit, official=official)
    return request.build_absolute_uri(reverse("evaluation:qr", args=[token]))


@login_required
def qr_unit(request, unit_id, fmt):
    unit = unit_object_or_404(request.user, Unit.objects.all(), unit_field="pk", pk=unit_id)
    return _qr_response(_qr_url(request, unit), fmt)


@login_required
def qr_official(request, official_id, fmt):
    official = unit_object_or_404(
        request.user,
        OfficialPage.objects.select_related("unit"),
        unit_field="unit_id",
        pk=official_id,
    )
    return _qr_response(_qr_url(request, official.unit, official), fmt)


def _inline_svg(url, scale=4):
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title="评价二维码"
    )
    return buffer.getvalue().decode()


@login_required
def poster(request, unit_id):
    """Printable A4 poster: the unit's QR code and one per official. No kiosk link: kiosk
    devices are issued by the office only and never shown to the unit's staff (issue 17)."""
    unit = unit_object_or_404(request.user, Unit.objects.all(), unit_field="pk", pk=unit_id)
    officials = list(OfficialPage.objects.live().filter(unit=unit).order_by("display_order", "id"))
    rows = [
        {
            "official": o,
            "svg": _inline_svg(_qr_url(request, unit, o), scale=3),
        }
        for o in officials
    ]
    return render(
        request,
        "evaluation/poster.html",
        {
            "unit": unit,
            "unit_svg": _inline_svg(_qr_url(request, unit), scale=8),
            "rows": rows,
        },
    )


@role_required(*UNIT_STAFF)
def tickets(request):
    """A window clerk issues a single-use rating ticket (QR on screen or paper)."""
    user = request.user
    # another unit's official is not offered, and a posted one is a 404
    officials = unit_scope(
        user, OfficialPage.objects.live().order_by("display_order", "id"), unit_field="unit_id"
    )
    ticket = None
    if request.method == "POST":
        official = None
        if request.POST.get("official"):
            # junk (abc, ², 20 digits) is an unknown official: 404, as another unit's
            official = get_object_or_404(officials, pk=id_or_none(request.POST["official"]))
        if official is None and not holds(user, Role.DEPARTMENT):
            messages.error(request, _("请选择测评对象"))
        else:
            ticket = services.ticket_issue(user=user, official=official)
    # issued counts only, never which ticket was used (issue 14)
    context = {
        "officials": officials[:500],
        "ticket": ticket,
        "counts": unit_ratings.ticket_counts(user=user),
    }
    if ticket:
        url = request.build_absolute_uri(reverse("evaluation:ticket", args=[ticket.code]))
        context.update(ticket_url=url, ticket_svg=_inline_svg(url, scale=6))
    return render(request, "evaluation/office/tickets.html", context)


@office_only
def staff_phones(request):
    """Import a unit's staff mobiles (kept only as keyed hashes)."""
    form = StaffPhonesForm(request.POST or None)
    form.fields["unit"].choices = [(u.pk, u.name) for u in Unit.objects.order_by("display_order")]
    if request.method == "POST" and form.is_valid():
        unit = get_object_or_404(Unit, pk=form.cleaned_data["unit"])
        added = services.staff_phones_import(unit=unit, phones=form.cleaned_data["phones"].split())
        messages.success(
            request, ngettext("已导入 %(n)s 个号码", "已导入 %(n)s 个号码", added) % {"n": added}
        )
        return redirect("evaluation:office_staff_phones")
    return render(request, "evaluation/office/staff_phones.html", {"form": form})
