"""Back office (issue 6): the office dashboard under /office/, the department inbox under
/dept/. Every read goes through selectors.case_get_for_user (another department's case is a
404); every action through one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cms.models import Unit
from portal.accounts.guards import Role, holds, role_required, unit_object_or_404
from portal.core.text import id_or_none

from . import selectors, services
from .choices import (
    DEPARTMENT_STATES,
    CaseAction,
    CaseState,
    ExtensionStatus,
    Finding,
    HandlingAction,
    HandlingTier,
    MessageAuthor,
    allowed_actions,
)
from .documents import document_pdf as render_pdf
from .models import AssignmentDocument, Attachment, Case, Delivery, ExtensionRequest

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
        batch = services.batch_assign(
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
            services.case_transition(case=case, action=CaseAction.SIGN, actor=request.user)
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
        kind = services.actor_kind_for(user=request.user, case=case)
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
            kind = services.actor_kind_for(user=request.user, case=case)
            services.message_post(
                case=case,
                author=request.user,
                text=p.get("text", ""),
                author_kind=MessageAuthor.OFFICE if kind == "office" else MessageAuthor.DEPARTMENT,
            )
        elif action == "publication":
            services.case_publication_set(
                case=case,
                actor=request.user,
                ready=p.get("ready") == "1",
                reason=p.get("reason", ""),
            )
        else:
            solved = {"1": True, "0": False}.get(p.get("solved", ""))
            merge_into = Case.objects.filter(number=p.get("merge_into", "").strip()).first()
            services.case_transition(
                case=case,
                action=action,
                actor=request.user,
                reason=p.get("reason", ""),
                department=_unit(p.get("department")),
                to_unit=_unit(p.get("to_unit")),
                deadline=_date(p.get("deadline")),
                answer=p.get("answer", ""),
                finding=p.get("finding", ""),
                measures=p.get("measures", ""),
                solved=solved,
                handling_tier=p.get("handling_tier", ""),
                handling_action=p.get("handling_action", ""),
                follow_up_on=_date(p.get("follow_up_on")),
                merge_into=merge_into,
                evidence=request.FILES.getlist("evidence") if action == "answer" else (),
                urgent=True if p.get("urgent") == "1" else None,
                rectify_by=_date(p.get("rectify_by")),
            )
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, "操作成功")
    name = "complaints:office_case" if holds(request.user, Role.OFFICE) else "complaints:dept_case"
    return redirect(name, pk=case.pk)


@csrf_exempt
@require_POST
def exchange_inbound(request):
    """A department system's signed reply (sign / start / answer) to an assignment."""
    from .services.exchange import SIGNATURE_HEADER, inbound_receive

    try:
        result = inbound_receive(
            unit_id=request.headers.get("X-Department", ""),
            signature=request.headers.get(SIGNATURE_HEADER, ""),
            body=request.body,
        )
    except PermissionDenied:
        return JsonResponse({"error": "signature or department not accepted"}, status=403)
    except ValidationError as exc:
        return JsonResponse({"error": "; ".join(exc.messages)}, status=400)
    return JsonResponse(result)


@role_required(Role.DEPARTMENT, hide=True)
@require_POST
def extension_ask(request, pk):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    try:
        services.extension_request(
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
    services.extension_decide(
        extension=ext, actor=request.user, approve=request.POST.get("approve") == "1"
    )
    return redirect("complaints:office_case", pk=ext.case_id)


@role_required(*CASE_READERS, hide=True)
@require_GET
def document_pdf(request, pk):
    # a department reads only documents addressed to it, and only while the case is its own
    doc = unit_object_or_404(
        request.user, AssignmentDocument.objects.select_related("case", "department"),
        unit_field="department_id", see_all=SEES_ALL_CASES, pk=pk,
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
    from .views import _file_response

    return _file_response(att)
