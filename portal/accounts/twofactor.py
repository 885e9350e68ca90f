"""Staff two-factor sign-in (TOTP) for the Wagtail admin, built on django-otp.

Owns the rule "every account that signs in to the admin — any staff role (office, department
and unit accounts, editor, leader, monitor), Django staff and superusers — must pass a TOTP
check in each session before it reaches any page but the two-factor ones" when
settings.STAFF_2FA_REQUIRED is on (production turns it on; the embedded demo leaves it off so
`make run` stays usable). The monitor is included: they too work inside the admin now.
Enrolment is allowed only while the account has no confirmed device: someone who learns a
password must not be able to bind their own phone. A lost phone is reset by the office with
`manage.py otp_reset USERNAME`.
"""

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts import roles
from portal.audit.services import audit_append

WRONG_TOKEN = _("动态验证码错误或已过期")
DEVICE_NAME = "TOTP"


def two_factor_required_for(user) -> bool:
    """Any staff role, Django staff or superuser; a signed-in account with none of these has
    nothing behind the sign-in to protect."""
    return bool(
        user.is_superuser
        or user.is_staff
        or any(roles.has_role(user, role) for role in roles.ALL_ROLES)
    )


def next_step_url(request) -> str:
    name = "twofactor_verify" if user_has_device(request.user) else "twofactor_setup"
    return reverse(name) + "?" + urlencode({"next": request.get_full_path()})


def totp_device_enrol(*, user) -> TOTPDevice:
    """Return the account's pending (unconfirmed) device, creating it on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_device_confirm(*, user, token: str) -> TOTPDevice | None:
    """Confirm the pending device with a first code; audit the enrolment."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("id")
            .first()
        )
        if device is None or not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit_append(
            chain=f"user:{user.pk}",
            action="2fa.enrolled",
            obj=device,
            actor=user,
            after={"device": device.name},
        )
    return device


def totp_devices_reset(*, user, actor_label: str) -> int:
    """Remove every OTP device of `user` (lost phone); they enrol again at next sign-in."""
    with transaction.atomic():
        count, _ = TOTPDevice.objects.filter(user=user).delete()
        audit_append(
            chain=f"user:{user.pk}",
            action="2fa.reset",
            object_type="accounts.user",
            object_id=str(user.pk),
            actor_label=actor_label,
            after={"devices_removed": count},
        )
    return count


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("动态验证码"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("wagtailadmin_home")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return reverse("wagtailadmin_home")
    return target


@login_required
def verify(request):
    if not user_has_device(request.user):
        return redirect(reverse("twofactor_setup") + "?" + urlencode({"next": _next(request)}))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", WRONG_TOKEN)
    return render(request, "twofactor/verify.html", {"form": form, "next": _next(request)})


@login_required
def setup(request):
    if user_has_device(request.user):
        # a confirmed device exists: changing it needs the office (otp_reset), not a password
        return redirect(reverse("twofactor_verify") + "?" + urlencode({"next": _next(request)}))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = totp_device_confirm(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", WRONG_TOKEN)
    device = totp_device_enrol(user=request.user)
    qr = segno.make(device.config_url, error="m")
    secret = _b32(device)
    return render(
        request,
        "twofactor/setup.html",
        {
            "form": form,
            "next": _next(request),
            # segno builds the SVG from our own otpauth URL: no user input reaches it
            "qr_svg": mark_safe(qr.svg_inline(scale=5, dark="#000", light="#fff")),
            "secret": secret,
        },
    )


def _b32(device) -> str:
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


urlpatterns = [
    path("", verify, name="twofactor_verify"),
    path("setup/", setup, name="twofactor_setup"),
]
