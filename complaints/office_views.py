"""What is left of the old back office under /office/ and /dept/ (issue 6; the case screens
moved into the Wagtail admin, complaints.admin, issue 19): the document-exchange receiver,
the assignment PDF, staff attachment downloads and the monitor report overview. Every read of
a case goes through selectors.case_get_for_user (another department's case is a 404)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.guards import Role, role_required, unit_object_or_404
from portal.accounts.roles import is_monitor
from portal.accounts.services import staff_mobile_set
from portal.core.text import id_or_none

from . import selectors
from .choices import (
    ReminderOutcome,
)
from .documents import document_pdf as render_pdf
from .models import AssignmentDocument, Attachment
from .services.delivery import SIGNATURE_HEADER
from .services.inbound import KeyReused, inbound_receive
from .services.monitor_reminders import monitor_reminder_send_one, monitor_report_status
from .views import attachment_response

ERR_UNKNOWN_ACTION = _("未知操作")

# who reads cases: the office and leaders every case, a department handler its unit's
CASE_READERS = (Role.OFFICE, Role.LEADER, Role.DEPARTMENT)
SEES_ALL_CASES = (Role.OFFICE, Role.LEADER)


@csrf_exempt
@require_POST
def exchange_inbound(request):
    """A department system's signed reply (sign / start / answer) to an assignment."""
    try:
        result = inbound_receive(
            unit_id=request.headers.get("X-Department", ""),
            signature=request.headers.get(SIGNATURE_HEADER, ""),
            body=request.body,
        )
    except PermissionDenied:
        return JsonResponse({"error": "signature or department not accepted"}, status=403)
    except KeyReused:
        return JsonResponse(
            {"error": "idempotency key already used for another case or action"}, status=409
        )
    except ValidationError as exc:
        return JsonResponse({"error": "; ".join(exc.messages)}, status=400)
    return JsonResponse(result)


@role_required(*CASE_READERS, hide=True)
@require_GET
def document_pdf(request, pk):
    # a department reads only documents addressed to it, and only while the case is its own
    doc = unit_object_or_404(
        request.user,
        AssignmentDocument.objects.select_related("case", "department"),
        unit_field="department_id",
        see_all=SEES_ALL_CASES,
        pk=pk,
    )
    selectors.case_get_for_user(user=request.user, pk=doc.case_id)
    response = HttpResponse(render_pdf(doc), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="jiaoban-{doc.pk}.pdf"'
    return response


@role_required(*CASE_READERS, hide=True)
@require_GET
def attachment_download(request, pk):
    att = get_object_or_404(Attachment, pk=pk)
    selectors.case_get_for_user(user=request.user, pk=att.case_id)
    return attachment_response(att)


def _monitor_mobile_set(request, monitor):
    name = monitor.display_name or monitor.get_username()
    try:
        staff_mobile_set(user=monitor, mobile=request.POST["mobile"], actor=request.user)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, _("%(u)s：%(m)s") % {"u": name, "m": msg})
    else:
        messages.success(request, _("已保存 %(u)s 的手机号") % {"u": name})
    return redirect("complaints:office_monitor_reports")


@role_required(Role.OFFICE, hide=True)
@require_http_methods(["GET", "POST"])
def monitor_reports(request):
    """本月监测报告提交情况: every monitor, reported or not this month; POST monitor=<id> is the
    one-click reminder to that monitor; POST monitor=<id>&mobile=<number> records (or clears)
    the monitor's mobile for SMS reminders."""
    if request.method == "POST":
        monitor = get_object_or_404(get_user_model(), pk=id_or_none(request.POST.get("monitor")))
        if "mobile" in request.POST:
            if not is_monitor(monitor):  # not a way to set any account's number
                raise Http404
            return _monitor_mobile_set(request, monitor)
        try:
            reminder = monitor_reminder_send_one(monitor=monitor, actor=request.user)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            name = monitor.display_name or monitor.get_username()
            if reminder.outcome == ReminderOutcome.SENT:
                messages.success(request, _("已提醒 %(u)s") % {"u": name})
            else:
                messages.error(
                    request,
                    _("未能提醒 %(u)s：%(o)s") % {"u": name, "o": reminder.get_outcome_display()},
                )
        return redirect("complaints:office_monitor_reports")
    month, monitors = monitor_report_status()
    return render(
        request,
        "complaints/office/monitor_reports.html",
        {"month": month, "monitors": monitors, "missing": sum(not m.reported for m in monitors)},
    )
