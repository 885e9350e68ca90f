"""Public rating views (profile form, QR on site, kiosk, tickets): parse, call a service, render.

Rate limits sit here because they key on the request (django-ratelimit, cache store).
"""

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from cms.models import OfficialPage, Unit
from portal.core import formlimits
from portal.core.netaddr import client_address
from portal.core.origin import same_origin_only
from portal.core.ratelimit import Limit, client_key, usages

from . import kiosks, receipt_views, receipts, selectors, services
from .choices import Channel
from .forms import KioskForm, RatingForm
from .models import RatingTicket

DEVICE_COOKIE = "ev_device"
MSG_CODE_SENT = _("验证码已发送，请查收短信")
MSG_CAPTCHA_FIRST = _("请先填写图形验证码，再获取短信验证码")
MSG_THANKS = _("感谢您的评价！")


def _official(official_id) -> OfficialPage:
    return get_object_or_404(OfficialPage.objects.live().select_related("unit"), pk=official_id)


def _device(request) -> str:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if len(value) != 32 or not value.isalnum():
        value = secrets.token_hex(16)
    request._evaluation_device = value
    return value


def _with_device_cookie(request, response):
    device = getattr(request, "_evaluation_device", None)
    if device and request.COOKIES.get(DEVICE_COOKIE) != device:
        response.set_cookie(
            DEVICE_COOKIE,
            device,
            max_age=400 * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _client_limited(request, *, rate=None) -> bool:
    return is_ratelimited(
        request,
        group="evaluation.rate.client",
        key=client_key,
        rate=rate or settings.RATING_RATE_LIMIT,
        increment=True,
    )


def _voter_limit(voter) -> Limit:
    """Cross-official limit per voter: only in the cache, under a keyed hash that expires with
    the window (voters.voter_rate_key); no stored value spans officials."""
    return Limit(
        "evaluation.rate.voter",
        services.voter_rate_key(voter),
        settings.RATING_VOTER_RATE_LIMIT,
        increment=True,
    )


def _submit(request, *, official, form, channel, **extra):
    """Shared path of web, QR and ticket ratings. Returns (rating or None, refusal message)."""
    # counted once the captcha passed (portal.core.formlimits); junk spends nothing
    rate = settings.RATING_RATE_LIMIT
    if formlimits.form_refused(request, group="evaluation.rate.client", rate=rate):
        return None, services.MSG_TOO_MANY
    if channel != Channel.TICKET:  # through a ticket "already rated" is the ticket's refusal
        refusal = _already_before_captcha(request, official=official)
        if refusal:
            return None, refusal
    valid = form.is_valid()
    form.checked = True
    # without phone verification the voter is known now: its cross-official limit is counted
    # with the client's in one round trip (portal.core.ratelimit.usages)
    voter = None
    if not settings.PHONE_VERIFICATION:
        voter = services.voter_identity(device=_device(request), client_ip=client_address(request))
    also = [_voter_limit(voter)] if voter else []
    if formlimits.form_counted(
        request, form=form, group="evaluation.rate.client", rate=rate, also=also
    ):
        return None, services.MSG_TOO_MANY
    if not valid:
        return None, None
    data = form.rating_data()
    verified_phone = ""
    if settings.PHONE_VERIFICATION:
        if not services.phone_code_check(
            phone=data.phone, code=form.cleaned_data.get("phone_code", "")
        ):
            if services.phone_code_burned(phone=data.phone):
                return None, services.MSG_PHONE_CODE_BURNED
            return None, services.MSG_PHONE_CODE
        verified_phone = data.phone
        voter = services.voter_identity(verified_phone=data.phone)
        if usages([_voter_limit(voter)])[0]["should_limit"]:
            return None, services.MSG_TOO_MANY
    try:
        rating = services.rating_submit(
            official=official,
            data=data,
            channel=channel,
            voter=voter,
            actor=request.user,
            verified_phone=verified_phone,
            client_ip=client_address(request),
            **extra,
        )
    except ValidationError as exc:
        return None, exc.messages[0]
    return rating, None


def _shown(request, form):
    """The form to show again after a refusal: the checked form with its errors, or, when the
    refusal came before the form was checked, what was typed without checking it (rendering a
    bound form checks it, which would spend the person's captcha for nothing)."""
    if getattr(form, "checked", False):
        return form
    return RatingForm(initial=request.POST.dict())


def _already_before_captcha(request, *, official) -> str | None:
    """The monthly limit, checked before the captcha wherever the voter is known without it:
    the device (cookie and address) without phone verification; with it, a phone whose code is
    right (checked, not consumed; a wrong code counts as a wrong guess and is refused here,
    so the check tells nothing to someone who does not hold the code)."""
    if settings.PHONE_VERIFICATION:
        phone, code = request.POST.get("phone", ""), request.POST.get("phone_code", "")
        if not code.strip():
            return None  # the form's own check answers
        if not services.phone_code_check(phone=phone, code=code, consume=False):
            if services.phone_code_burned(phone=phone):
                return services.MSG_PHONE_CODE_BURNED
            return services.MSG_PHONE_CODE
        voter = services.voter_identity(verified_phone=phone)
    else:
        voter = services.voter_identity(device=_device(request), client_ip=client_address(request))
    if selectors.voter_month_full(official=official, voter=voter):
        return services.MSG_ALREADY
    return None


def _captcha_solved(request, form) -> bool:
    """The request's captcha answer, checked (and spent) on its own."""
    field = form.fields.get("captcha")
    if field is None:
        return True
    try:
        field.clean([request.POST.get("captcha_0", ""), request.POST.get("captcha_1", "")])
    except ValidationError:
        return False
    return True


def _send_code(request, form):
    phone = request.POST.get("phone", "")
    # an SMS costs money and reaches a person: a solved captcha first (red team: eight clients
    # sent eight codes to one phone with nothing to solve)
    if not _captcha_solved(request, form):
        return MSG_CAPTCHA_FIRST, False
    if is_ratelimited(
        request,
        group="evaluation.phone-code",
        key=client_key,
        rate=settings.PHONE_CODE_RATE_LIMIT,
        increment=True,
    ):
        return services.MSG_TOO_MANY, False
    try:
        services.phone_code_send(phone=phone)
    except ValidationError as exc:
        return exc.messages[0], False
    return MSG_CODE_SENT, True


@same_origin_only  # the form sits on a cached page: no per-visitor CSRF token
@require_POST
def rate(request, official_id):
    """The profile form posts here; a refusal re-renders the profile with what was typed.
    The official is its small cached row (selectors.official_row), the page only to re-render."""
    official = selectors.official_row(official_id)
    if official is None:
        raise Http404
    form = RatingForm(request.POST)
    if "send_code" in request.POST and settings.PHONE_VERIFICATION:
        message, ok = _send_code(request, form)
        # keep what was typed, without showing "required" errors for the rest of the form
        request._evaluation_form = RatingForm(initial=request.POST.dict())
        request._evaluation_notice = (message, ok)
        return _official(official_id).specific.serve(request)
    rating, refusal = _submit(request, official=official, form=form, channel=Channel.WEB)
    if rating is None:
        request._evaluation_form = _shown(request, form)
        request._evaluation_notice = (refusal, False) if refusal else None
        response = _official(official_id).serve(request)
        response.status_code = 400
        return _with_device_cookie(request, response)
    messages.success(request, MSG_THANKS)
    # Post/Redirect/Get to the never-cached receipt page: the code must not reach the shared
    # profile page (portal.core.pagecache)
    response = redirect(reverse("evaluation:rating_receipt") + "#messages")
    receipt_views.receipt_keep(response, rating=rating)
    return _with_device_cookie(request, response)


def profile_context(*, request, page) -> dict:
    """cms' official profile (hook official_profile_context): form and public aggregates."""
    official = page
    form = getattr(request, "_evaluation_form", None)
    return {
        "rating_block_template": "evaluation/_profile_block.html",
        "rating_form": form or RatingForm(),
        # the page is shared (portal.core.pagecache): no challenge row per view; a refused
        # POST re-renders it with a real challenge
        "lazy_captcha": form is None,
        "rating_action": reverse("evaluation:rate", args=[official.pk]),
        "rating_notice": getattr(request, "_evaluation_notice", None),
        "rating_aggregates": selectors.official_aggregates_cached(official_id=official.pk),
        "phone_verification": settings.PHONE_VERIFICATION,
    }


def _page(request, template, context, status=200):
    response = render(request, template, context, status=status)
    return _with_device_cookie(request, response)


def qr_rate(request, token, official_id=None):
    """On-site QR rating: the token binds a unit (and maybe one official); geolocation needed."""
    try:
        data = services.qr_token_read(token)
    except ValidationError as exc:
        return render(request, "evaluation/refused.html", {"message": exc.messages[0]}, status=400)
    unit = get_object_or_404(Unit, pk=data["u"])
    official_id = official_id or data.get("o")
    if official_id is None:
        officials = OfficialPage.objects.live().filter(unit=unit).order_by("display_order", "id")
        return render(
            request,
            "evaluation/qr_pick.html",
            {"unit": unit, "officials": officials, "token": token},
        )
    official = _official(official_id)
    context = {
        "official": official,
        "unit": unit,
        "qr": True,
        "form_action": reverse("evaluation:qr_official", args=[token, official.pk]),
    }
    if request.method == "POST":
        form = RatingForm(request.POST)
        rating, refusal = _submit(
            request,
            official=official,
            form=form,
            channel=Channel.QR,
            qr_token=token,
            latitude=request.POST.get("latitude"),
            longitude=request.POST.get("longitude"),
        )
        if rating is not None:  # a POST's own answer, never cached: the code shown once
            code = receipts.rating_code(rating.pk)
            return _page(request, "evaluation/thanks.html", {"official": official, "code": code})
        return _page(
            request,
            "evaluation/rate_page.html",
            {**context, "form": _shown(request, form), "notice": refusal},
            status=400,
        )
    return _page(request, "evaluation/rate_page.html", {**context, "form": RatingForm()})


def ticket_rate(request, code):
    """一次一评: a ticket from the window clerk proves a real transaction."""
    ticket = RatingTicket.objects.select_related("unit", "official").filter(code=code).first()
    if ticket is None:
        return render(
            request, "evaluation/refused.html", {"message": services.MSG_TOKEN_BAD}, status=404
        )
    # A used ticket's page looks like an unused one (only a second rating is refused): the
    # clerk holds the code and must not learn from it whether, or when, the citizen rated.
    official_id = ticket.official_id or request.GET.get("official") or request.POST.get("official")
    if not official_id:
        officials = (
            OfficialPage.objects.live().filter(unit=ticket.unit).order_by("display_order", "id")
        )
        return render(
            request,
            "evaluation/ticket_pick.html",
            {"unit": ticket.unit, "officials": officials, "code": code},
        )
    official = _official(official_id)
    context = {
        "official": official,
        "unit": ticket.unit,
        "ticket": ticket,
        "form_action": reverse("evaluation:ticket", args=[code]) + f"?official={official.pk}",
    }
    if request.method == "POST":
        form = RatingForm(request.POST)
        rating, refusal = _submit(
            request, official=official, form=form, channel=Channel.TICKET, ticket_code=code
        )
        if rating is not None:  # a POST's own answer, never cached: the code shown once
            code = receipts.rating_code(rating.pk)
            return _page(request, "evaluation/thanks.html", {"official": official, "code": code})
        return _page(
            request,
            "evaluation/rate_page.html",
            {**context, "form": _shown(request, form), "notice": refusal},
            status=400,
        )
    return _page(request, "evaluation/rate_page.html", {**context, "form": RatingForm()})


def kiosk(request, token):
    """即时服务评价器: full-screen, touch-friendly; rates only the transaction the clerk opened
    on this device (一次一评), then thanks and resets for the next person."""
    try:
        device = kiosks.kiosk_device_for_token(token)
    except ValidationError as exc:
        return render(request, "evaluation/refused.html", {"message": exc.messages[0]}, status=403)
    current = kiosks.kiosk_transaction_current(device=device)
    context = {
        "device": device,
        "unit": device.unit,
        "official": current.official if current else None,
        "reset": settings.KIOSK_RESET_SECONDS,
    }
    if request.method != "POST":
        if current is None:
            return render(request, "evaluation/kiosk_waiting.html", context)
        return render(request, "evaluation/kiosk.html", {**context, "form": KioskForm()})
    form = KioskForm(request.POST)
    if _client_limited(request, rate=settings.KIOSK_RATE_LIMIT):
        return render(
            request,
            "evaluation/kiosk.html",
            {**context, "form": form, "notice": services.MSG_TOO_MANY},
            status=429,
        )
    if current is None:
        return render(request, "evaluation/kiosk_waiting.html", context, status=409)
    if not form.is_valid():
        return render(request, "evaluation/kiosk.html", {**context, "form": form}, status=400)
    try:
        kiosks.kiosk_rate(
            device=device,
            data=form.rating_data(),
            actor=request.user,
            client_ip=client_address(request),
        )
    except ValidationError as exc:
        if exc.code == "no-transaction":
            return render(request, "evaluation/kiosk_waiting.html", context, status=409)
        return render(
            request,
            "evaluation/kiosk.html",
            {**context, "form": form, "notice": exc.messages[0]},
            status=400,
        )
    return render(request, "evaluation/kiosk_thanks.html", context)
