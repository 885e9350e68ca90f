"""Public complaint desk: intake, receipt, follow-up, recovery, proof check; monitors' reports.
Views parse, call one service or selector, render."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from portal.core import formlimits
from portal.core.files import private_file_response
from portal.core.netaddr import client_address
from portal.core.ratelimit import client_bucket, client_key

from . import receipt_page, selectors
from .choices import FINAL_STATES, CaseState, MessageAuthor
from .forms import (
    CallbackForm,
    ComplaintForm,
    MessageForm,
    RecoverForm,
    RetaliationForm,
    TrackForm,
    VerifyForm,
    service_errors_apply,
    subject_arguments,
)
from .models import Attachment
from .services import intake, receipts, thread


def _rate(name):
    # read at request time, so the office can tune it without a code change (and tests can)
    return lambda group, request: getattr(settings, name)


def _post_rate_limited(setting, group):
    """Count a form's POSTs per client against `setting`; the view sees `request.limited` and
    shows the form again with ERR_RATE (never blocks with a bare 429)."""
    return ratelimit(key=client_key, rate=_rate(setting), method="POST", block=False, group=group)


ERR_RATE = gettext_noop("提交过于频繁，请稍后再试")
ERR_DB = gettext_noop("系统繁忙，投诉未能保存，请稍后重试")

logger = logging.getLogger(__name__)


def _form_checked(request, form, setting: str, group: str) -> bool:
    """Check a captcha form under the client's limits (portal.core.formlimits): refused before
    anything is checked when a limit is used up; otherwise counted once checked."""
    rate = getattr(settings, setting)  # read at request time: tunable without a code change
    if formlimits.form_refused(request, group=group, rate=rate):
        form.add_error(None, _(ERR_RATE))
        return False
    valid = form.is_valid()
    if formlimits.form_counted(request, form=form, group=group, rate=rate):
        form.add_error(None, _(ERR_RATE))
        return False
    return valid


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if _form_checked(request, form, "COMPLAINT_RATE_LIMIT", "complaint-new"):
            d = form.cleaned_data
            try:
                case, receipt = intake.case_submit(
                    **subject_arguments(d),
                    subject_kind=d["subject_kind"],
                    anonymous=d["anonymous"],
                    contact_name=d.get("contact_name", ""),
                    contact_phone=d.get("contact_phone", ""),
                    contact_email=d.get("contact_email", ""),
                    notify_email=d.get("notify_email", "") if d["anonymous"] else "",
                )
            except ValidationError as exc:
                service_errors_apply(form, exc)
            except DatabaseError:
                # the write was rolled back (case_submit is atomic): nothing is kept, so the
                # person can send the same form again; show it with what they typed
                logger.exception("complaint not saved: database error")
                form.add_error(None, _(ERR_DB))
                return render(request, "complaints/new.html", {"form": form}, status=503)
            else:
                # Post/Redirect/Get: the receipt page shows the code once (receipt_page.py)
                response = redirect("complaints:receipt")
                receipt_page.receipt_keep(response, receipt=receipt)
                return response
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/new.html", {"form": form}, status=status)


@require_GET
def official_search(request):
    return JsonResponse(
        {"results": selectors.official_autocomplete(query=request.GET.get("q", ""))}
    )


@never_cache
@_post_rate_limited("TRACK_RATE_LIMIT", "complaint-track")
@require_http_methods(["GET", "POST"])
def track(request):
    # the captcha field is read only when it was sent (the number asked for it last time)
    form = TrackForm(request.POST or None, with_captcha="captcha_1" in request.POST)
    status = 200
    if request.method == "POST":
        status = 400
        if getattr(request, "limited", False):
            form.add_error(None, _(ERR_RATE))
            status = 429
        elif form.is_valid():
            try:
                case = receipts.case_track_open(
                    number=form.cleaned_data["number"],
                    code=form.cleaned_data["code"],
                    client=client_bucket(client_address(request)),
                    captcha_passed=form.captcha_passed,
                )
            except receipts.TrackFailed as exc:
                if exc.captcha and "captcha" not in form.fields:
                    form = TrackForm(request.POST, with_captcha=True)
                    form.is_valid()  # an empty answer is not checked: the field is shown
                form.add_error(None, str(exc.message))
                status = 423 if exc.locked else 400
            else:
                return _to_case_page(receipts.track_token_make(case=case))
    return render(request, "complaints/track.html", {"form": form}, status=status)


# Why a cookie and not the path: a token in a URL is written to nginx's access log, the
# browser's history and Referer headers, and stays usable for its 30 minutes by whoever reads
# them. The same signed, time-limited token in an HttpOnly, SameSite=Strict cookie scoped to
# the follow-up pages stores nothing on the server (no session row dating the visit) and
# leaves every URL token-free.
TRACK_COOKIE = "track"
TRACK_COOKIE_PATH = "/complaints/track/"


def _to_case_page(token):
    response = redirect("complaints:track_current")
    response.set_cookie(
        TRACK_COOKIE,
        token,
        max_age=settings.TRACK_LINK_MINUTES * 60,
        path=TRACK_COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _tracked(token):
    case = receipts.track_token_open(token=token or "")
    if case is None:
        raise Http404
    return case


def _cookie_token(request):
    return request.COOKIES.get(TRACK_COOKIE, "")


@never_cache
@require_GET
def track_case(request, token):
    """An old link with the token in its path: check it, move it into the cookie and go to the
    token-free page (so the token is used in a URL once at most)."""
    _tracked(token)
    return _to_case_page(token)


@never_cache
@require_GET
def track_current(request):
    case = receipts.track_token_open(token=_cookie_token(request))
    if case is None:  # no cookie, expired or forged: back to the number-and-code form
        return redirect("complaints:track")
    return _render_case(request, case, _cookie_token(request))


def _render_case(
    request,
    case,
    token,
    message_form=None,
    callback_form=None,
    retaliation_form=None,
    status=200,
):
    return render(
        request,
        "complaints/track_case.html",
        {
            "case": case,
            "token": token,
            "timeline": selectors.case_timeline(case=case),
            "messages_thread": selectors.case_messages(case=case),
            "message_form": message_form or MessageForm(),
            "callback_form": callback_form or CallbackForm(),
            "can_message": case.state not in FINAL_STATES,
            "can_callback": case.state == CaseState.CALLBACK and not case.callback_result,
            "attachments": case.attachments.filter(message__isnull=True, evidence=False),
            "can_report_retaliation": not case.anonymous
            and case.source == "web"
            and not case.retaliation,
            "retaliation_form": retaliation_form or RetaliationForm(),
            "linked_cases": case.related_cases.all(),
        },
        status=status,
    )


def _track_post(request, token, form_class, form_kwarg, act):
    """A complainant's POST on the case page: valid form -> `act(case, cleaned_data)` (a
    service); its ValidationError or an invalid form -> the case page again with the errors."""
    case = _tracked(token)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            act(case, form.cleaned_data)
        except ValidationError as exc:
            service_errors_apply(form, exc)
        else:
            return _to_case_page(token)
    return _render_case(request, case, token, status=400, **{form_kwarg: form})


@never_cache
@require_POST
def track_message(request, token):
    return _track_post(
        request,
        token,
        MessageForm,
        "message_form",
        lambda case, d: thread.message_post(
            case=case,
            author_kind=MessageAuthor.COMPLAINANT,
            text=d["text"],
            files=d["attachments"],
        ),
    )


@never_cache
@require_POST
def track_callback(request, token):
    return _track_post(
        request,
        token,
        CallbackForm,
        "callback_form",
        lambda case, d: thread.callback_answer(case=case, result=d["result"], comment=d["comment"]),
    )


@never_cache
@require_POST
def track_retaliation(request, token):
    return _track_post(
        request,
        token,
        RetaliationForm,
        "retaliation_form",
        lambda case, d: thread.retaliation_report(case=case, text=d["text"]),
    )


@never_cache
@require_GET
def track_attachment(request, token, pk):
    case = _tracked(token)
    att = Attachment.objects.filter(case=case, pk=pk, evidence=False).first()
    if att is None:
        raise Http404
    return attachment_response(att)


# the token-free follow-up actions: the token comes from the cookie
@never_cache
@require_POST
def track_current_message(request):
    return track_message(request, _cookie_token(request))


@never_cache
@require_POST
def track_current_callback(request):
    return track_callback(request, _cookie_token(request))


@never_cache
@require_POST
def track_current_retaliation(request):
    return track_retaliation(request, _cookie_token(request))


@never_cache
@require_GET
def track_current_attachment(request, pk):
    return track_attachment(request, _cookie_token(request), pk)


def attachment_response(att):
    """An attachment as a download (never rendered inline), for every view that serves one."""
    return private_file_response(
        att.file,
        filename=f"{att.case.number}-{att.pk}.{att.file.name.rsplit('.', 1)[-1]}",
        content_type=att.content_type,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recover(request):
    form = RecoverForm(request.POST or None)
    if request.method == "POST":
        if _form_checked(request, form, "RECOVER_RATE_LIMIT", "complaint-recover"):
            receipts.receipt_recover_request(
                number=form.cleaned_data["number"], contact=form.cleaned_data["contact"]
            )
            return render(request, "complaints/recover_sent.html")
    return render(
        request,
        "complaints/recover.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recover_open(request, token):
    # GET shows a button, POST issues the code: link scanners must not burn the one-time link
    if request.method == "GET":
        return render(request, "complaints/recover_open.html", {"token": token})
    try:
        case, receipt = receipts.receipt_reissue(token=token)
    except ValidationError as exc:
        return render(
            request,
            "complaints/recover_open.html",
            {"token": token, "error": exc.messages[0]},
            status=400,
        )
    response = redirect("complaints:receipt")
    receipt_page.receipt_keep(response, receipt=receipt, reissued=True)
    return response


@never_cache
@require_GET
def receipt(request):
    """The receipt after a complaint or a recovery: the code on the first view only."""
    response = receipt_page.receipt_show(
        request,
        lambda receipt, reissued, code_shown: render(
            request,
            "complaints/receipt.html",
            {"receipt": receipt, "reissued": reissued, "code_shown": code_shown},
        ),
    )
    return response or redirect("complaints:track")


@require_http_methods(["GET", "POST"])
def verify(request):
    form = VerifyForm(request.POST or request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = receipts.receipt_verify(**form.cleaned_data)
    return render(request, "complaints/verify.html", {"form": form, "result": result})
