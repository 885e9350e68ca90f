"""Back office (issue 6): the office dashboard under /office/, the department inbox under
/dept/. Every read goes through selectors.case_get_for_user (another department's case is a
404); every action through one service."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.models import Unit
from portal.accounts.guards import Role, holds, role_required, unit_object_or_404
from portal.accounts.roles import is_monitor
from portal.accounts.services import staff_mobile_set
from portal.core.text import id_or_none

from . import selectors
from .choices import (
    DEPARTMENT_STATES,
    CaseAction,
    CaseState,
    ExtensionStatus,
    Finding,
    HandlingAction,
    HandlingTier,
    MessageAuthor,
    ReminderOutcome,
    allowed_actions,
)
from .documents import document_pdf as render_pdf
from .handling_views import handling_context
from .models import AssignmentDocument, Attachment, Case, Delivery, ExtensionRequest
from .services import thread, workflow
from .services.delivery import SIGNATURE_HEADER
from .services.inbound import KeyReused, inbound_receive
from .services.monitor_reminders import monitor_reminder_send_one, monitor_report_status
from .views import attachment_response

ERR_UNKNOWN_ACTION = _("未知操作 (unknown action)")

# who reads cases: the office and leaders every case, a department handler its unit's
CASE_READERS = (Role.OFFICE, Role.LEADER, Role.DEPARTMENT)
SEES_ALL_CASES = (Role.OFFICE, Role.LEADER)


@role_required(Role.OFFICE, Role.LEADER, hide=True)
@require_GET
def dashboard(request):
    return render(request, "complaints/office/dashboard.html", selectors.office_dashboard())


@role_required(Role.OFFICE, hide=True)
@require_POST
def batch_assign(request):
    ids = [i for i in map(id_or_none, request.POST.getlist("case")) if i is not None]
    cases = list(selectors.case_list_for_user(user=request.user).filter(pk__in=ids))
    try:
        batch = workflow.batch_assign(
            cases=cases, actor=request.user, title=request.POST.get("title", "")
        )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, f"{batch.number}：已交办 {batch.documents.count()} 件")
    return redirect("complaints:office_dashboard")


@role_required(Role.DEPARTMENT, hide=True)
@require_GET
def inbox(request):
    state, due = request.GET.get("state", ""), request.GET.get("due", "")
    return render(
        request,
        "complaints/office/inbox.html",
        {
            "cases": selectors.department_inbox(user=request.user, state=state, due=due),
            "state": state,
            "due": due,
            "today": timezone.localdate(),
            "states": [s for s in CaseState if s in DEPARTMENT_STATES],
        },
    )


@role_required(Role.DEPARTMENT, hide=True)
@require_POST
def bulk_sign(request):
    done = 0
    for pk in map(id_or_none, request.POST.getlist("case")):
        if pk is None:
            continue
        case = selectors.case_get_for_user(user=request.user, pk=pk)
        try:
            workflow.case_sign(case=case, actor=request.user)
            done += 1
        except (ValidationError, PermissionDenied):
            continue
    messages.success(request, f"已签收 {done} 件")
    return redirect("complaints:dept_inbox")


@role_required(*CASE_READERS, hide=True)
@require_GET
def case_detail(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    office = holds(request.user, Role.OFFICE)
    kind = None
    try:
        kind = workflow.actor_kind_for(user=request.user, case=case)
    except PermissionDenied:
        pass
    from .choices import TRANSITIONS

    actions = [
        (a, CaseAction(a).label)
        for a in allowed_actions(case.state)
        if kind and kind in TRANSITIONS[a][2]
    ]
    return render(
        request,
        "complaints/office/case.html",
        {
            "case": case,
            "office": office,
            "actions": actions,
            "timeline": selectors.case_timeline(case=case, public=False),
            "thread": selectors.case_messages(case=case),
            "contact": selectors.case_contact_for_user(user=request.user, case=case),
            "units": Unit.objects.order_by("display_order", "id"),
            "findings": Finding.choices,
            "tiers": HandlingTier.choices,
            "handling_actions": HandlingAction.choices,
            "documents": case.documents.select_related("department"),
            "deliveries": Delivery.objects.filter(document__case=case).select_related("document"),
            "extensions": case.extensions.all(),
            "attachments": case.attachments.all(),
            "similar": selectors.case_similar(case=case)
            if office and case.state in (CaseState.SUBMITTED, CaseState.ACCEPTED)
            else [],
            "act_url": "complaints:office_case_act" if office else "complaints:dept_case_act",
            **handling_context(case=case, office=office),
        },
    )


def _unit(value):
    pk = id_or_none(value)
    return Unit.objects.filter(pk=pk).first() if pk is not None else None


def _date(value):
    """A typed date, or None (then the service asks for one): parse_date raises ValueError
    for a well-formed impossible date such as 2026-02-30."""
    try:
        return parse_date(value or "")
    except ValueError:
        return None


@role_required(*CASE_READERS, hide=True)
@require_POST
def case_act(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    p = request.POST
    action = p.get("action", "")
    try:
        if action == "message":
            kind = workflow.actor_kind_for(user=request.user, case=case)
            thread.message_post(
                case=case,
                author=request.user,
                text=p.get("text", ""),
                author_kind=MessageAuthor.OFFICE if kind == "office" else MessageAuthor.DEPARTMENT,
            )
        elif action == "publication":
            workflow.case_publication_set(
                case=case,
                actor=request.user,
                ready=p.get("ready") == "1",
                reason=p.get("reason", ""),
            )
        else:
            _case_action(request, case, action)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, "操作成功")
    name = "complaints:office_case" if holds(request.user, Role.OFFICE) else "complaints:dept_case"
    return redirect(name, pk=case.pk)


def _case_action(request, case, action):
    """The state-machine action a case page POSTs, to its own service with the fields it
    takes (a page offers only the actions the state map allows now)."""
    p, actor = request.POST, request.user
    common = {"case": case, "actor": actor, "reason": p.get("reason", "")}
    simple = {
        CaseAction.ACCEPT: workflow.case_accept,
        CaseAction.REJECT: workflow.case_reject,
        CaseAction.SIGN: workflow.case_sign,
        CaseAction.START: workflow.case_start,
        CaseAction.TRANSFER_REFUSE: workflow.case_transfer_refuse,
        CaseAction.RETURN: workflow.case_return,
        CaseAction.APPROVE: workflow.case_approve,
        CaseAction.REOPEN: workflow.case_reopen,
    }
    if action in simple:
        simple[action](**common)
    elif action == CaseAction.MERGE:
        merge_into = Case.objects.filter(number=p.get("merge_into", "").strip()).first()
        workflow.case_merge(**common, merge_into=merge_into)
    elif action == CaseAction.ASSIGN:
        workflow.case_assign(
            **common,
            department=_unit(p.get("department")),
            deadline=_date(p.get("deadline")),
            urgent=True if p.get("urgent") == "1" else None,
        )
    elif action == CaseAction.TRANSFER_REQUEST:
        workflow.case_transfer_request(**common, to_unit=_unit(p.get("to_unit")))
    elif action == CaseAction.ANSWER:
        workflow.case_answer(
            **common,
            answer=p.get("answer", ""),
            finding=p.get("finding", ""),
            measures=p.get("measures", ""),
            evidence=request.FILES.getlist("evidence"),
        )
    elif action == CaseAction.CLOSE:
        workflow.case_close(
            **common,
            solved={"1": True, "0": False}.get(p.get("solved", "")),
            handling_tier=p.get("handling_tier", ""),
            handling_action=p.get("handling_action", ""),
            follow_up_on=_date(p.get("follow_up_on")),
            rectify_by=_date(p.get("rectify_by")),
        )
    else:
        raise workflow.InvalidTransition(ERR_UNKNOWN_ACTION)


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


@role_required(Role.DEPARTMENT, hide=True)
@require_POST
def extension_ask(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    try:
        workflow.extension_request(
            case=case,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            working_days=int(request.POST.get("working_days") or 0),
        )
    except (ValidationError, ValueError) as exc:
        for msg in getattr(exc, "messages", [str(exc)]):
            messages.error(request, msg)
    return redirect("complaints:dept_case", pk=case.pk)


@role_required(Role.OFFICE, hide=True)
@require_POST
def extension_decide(request, pk):
    ext = get_object_or_404(ExtensionRequest, pk=pk, status=ExtensionStatus.PENDING)
    workflow.extension_decide(
        extension=ext, actor=request.user, approve=request.POST.get("approve") == "1"
    )
    return redirect("complaints:office_case", pk=ext.case_id)


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
