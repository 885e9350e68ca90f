"""The office's integration screens (linked from the Wagtail admin menu, office only): Open311
clients, department document-exchange endpoints, the delivery log and staff work mobiles; and
the department's in-app notices. Views parse input, call one service and render; a secret or
api_key is shown once, in the response to the request that made it, and never again."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cms.models import Unit
from portal.accounts.guards import Role, role_required
from portal.accounts.services import staff_mobile_set
from portal.core import crypto
from portal.core.text import id_or_none

from .models import Delivery, DeliveryStatus, DepartmentEndpoint, Open311Client
from .open311.clients import open311_client_active_set, open311_client_create
from .services import exchange, notices

# the integration screens are hidden from every other role (404), as are the notices
office_only = role_required(Role.OFFICE, hide=True)
department_only = role_required(Role.DEPARTMENT, hide=True)


def _errors(request, exc: ValidationError):
    for msg in exc.messages:
        messages.error(request, msg)


def _active(request) -> bool:
    return request.POST.get("active") == "1"


SECRET_SESSION_KEY = "complaints.secret_once"


def _secret_once(request, *, title, what, secret, back, extra=None):
    """Hand the secret to the page that shows it (post/redirect/get): reloading that page
    must not register another client or rotate the key again. The secret waits in the
    server-side session, encrypted like the stored one, until that page takes it out."""
    request.session[SECRET_SESSION_KEY] = {
        "title": str(title),
        "what": str(what),
        "secret": crypto.encrypt(secret),
        "back": back,
        "extra": {str(k): str(v) for k, v in (extra or {}).items()},
    }
    return redirect("complaints:admin_secret_once")


@office_only
@require_GET
@never_cache
def secret_once(request):
    context = request.session.pop(SECRET_SESSION_KEY, None)
    if context is None:  # shown already (a reload, the back button): never again
        messages.info(
            request, _("密钥只显示一次，已不能再次查看。如已遗失，请重新登记或更换密钥。")
        )
        return redirect("complaints:admin_open311_clients")
    context["secret"] = crypto.decrypt(context["secret"])
    response = render(request, "complaints/admin/secret_once.html", context)
    # a secret must not sit in a cache or be served again from history
    response["Cache-Control"] = "no-store"
    return response


# --- Open311 clients ------------------------------------------------------------------------


@office_only
@require_GET
def open311_clients(request):
    return render(
        request,
        "complaints/admin/open311_clients.html",
        {"clients": Open311Client.objects.order_by("-created_at", "-id")},
    )


@office_only
@require_POST
def open311_client_new(request):
    try:
        client, key = open311_client_create(name=request.POST.get("name", ""), actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("complaints:admin_open311_clients")
    return _secret_once(
        request,
        title=_("Open311客户端已登记"),
        what=_("%(name)s 的 api_key") % {"name": client.name},
        secret=key,
        back=reverse("complaints:admin_open311_clients"),
    )


@office_only
@require_POST
def open311_client_active(request, pk):
    client = get_object_or_404(Open311Client, pk=pk)
    client = open311_client_active_set(client=client, active=_active(request), actor=request.user)
    messages.success(
        request,
        (_("已启用：%(n)s") if client.active else _("已停用：%(n)s")) % {"n": client.name},
    )
    return redirect("complaints:admin_open311_clients")


# --- document-exchange endpoints ------------------------------------------------------------


def _unit(value):
    pk = id_or_none(value)
    return Unit.objects.filter(pk=pk).first() if pk is not None else None


@office_only
@require_GET
def endpoints(request):
    rows = DepartmentEndpoint.objects.select_related("unit").order_by("unit__name")
    configured = rows.values_list("unit_id", flat=True)
    return render(
        request,
        "complaints/admin/endpoints.html",
        {
            "endpoints": rows,
            "units": Unit.objects.exclude(pk__in=configured).order_by("display_order", "id"),
        },
    )


@office_only
@require_POST
def endpoint_new(request):
    try:
        endpoint, secret = exchange.endpoint_create(
            unit=_unit(request.POST.get("unit")),
            url=request.POST.get("url", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("complaints:admin_endpoints")
    return _secret_once(
        request,
        title=_("公文交换接口已登记"),
        what=_("%(unit)s 的签名密钥") % {"unit": endpoint.unit.name},
        secret=secret,
        back=reverse("complaints:admin_endpoints"),
        extra={_("单位编号（X-Department）"): endpoint.unit_id, _("接收地址"): endpoint.url},
    )


@office_only
@require_POST
def endpoint_url(request, pk):
    endpoint = get_object_or_404(DepartmentEndpoint, pk=pk)
    try:
        exchange.endpoint_url_change(
            endpoint=endpoint, url=request.POST.get("url", ""), actor=request.user
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("接收地址已修改"))
    return redirect("complaints:admin_endpoints")


@office_only
@require_POST
def endpoint_rotate(request, pk):
    endpoint = get_object_or_404(DepartmentEndpoint.objects.select_related("unit"), pk=pk)
    endpoint, secret = exchange.endpoint_secret_rotate(endpoint=endpoint, actor=request.user)
    return _secret_once(
        request,
        title=_("签名密钥已更换"),
        what=_("%(unit)s 的新签名密钥（旧密钥已作废）") % {"unit": endpoint.unit.name},
        secret=secret,
        back=reverse("complaints:admin_endpoints"),
    )


@office_only
@require_POST
def endpoint_active(request, pk):
    endpoint = get_object_or_404(DepartmentEndpoint.objects.select_related("unit"), pk=pk)
    endpoint = exchange.endpoint_active_set(
        endpoint=endpoint, active=_active(request), actor=request.user
    )
    messages.success(
        request,
        (_("已启用：%(n)s") if endpoint.active else _("已停用：%(n)s")) % {"n": endpoint.unit.name},
    )
    return redirect("complaints:admin_endpoints")


# --- delivery log -----------------------------------------------------------------------------


@office_only
@require_GET
def deliveries(request):
    status = request.GET.get("status", "")
    rows = Delivery.objects.select_related(
        "document__case", "document__department", "endpoint"
    ).order_by("-created_at", "-id")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/admin/deliveries.html",
        {"page": page, "status": status, "statuses": DeliveryStatus.choices},
    )


@office_only
@require_POST
def delivery_retry(request, pk):
    delivery = get_object_or_404(Delivery.objects.select_related("endpoint"), pk=pk)
    try:
        exchange.delivery_retry(delivery=delivery, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已安排重新投递"))
    url = reverse("complaints:admin_deliveries")
    status = request.POST.get("status", "")
    return redirect(f"{url}?status={status}" if status in DeliveryStatus.values else url)


# --- staff work mobiles -----------------------------------------------------------------------


@office_only
@require_GET
def staff_mobiles(request):
    unit = _unit(request.GET.get("unit"))
    users = (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True, groups__name=Role.DEPARTMENT)
        .select_related("unit")
        .distinct()
        .order_by("unit__display_order", "unit_id", "username")
    )
    if unit is not None:
        users = users.filter(unit=unit)
    return render(
        request,
        "complaints/admin/staff_mobiles.html",
        {"users": users, "unit": unit, "units": Unit.objects.order_by("display_order", "id")},
    )


@office_only
@require_POST
def staff_mobile(request, pk):
    user = get_object_or_404(get_user_model(), pk=pk, is_staff=True)
    try:
        staff_mobile_set(user=user, mobile=request.POST.get("mobile", ""), actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已保存 %(u)s 的工作手机号") % {"u": user.get_username()})
    return redirect("complaints:admin_staff_mobiles")


# --- department notices -----------------------------------------------------------------------


@department_only
@require_GET
@never_cache
def department_notices(request):
    unread = request.GET.get("unread") == "1"
    rows = notices.department_notice_list_for_user(user=request.user, unread_only=unread)
    return render(
        request,
        "complaints/notices/list.html",
        {
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "unread_only": unread,
            "unread_count": notices.department_notice_unread_count(user=request.user),
        },
    )


@department_only
@require_POST
def department_notice_read(request, pk):
    notice = notices.department_notice_get_for_user(user=request.user, pk=pk)
    notices.department_notice_read(user=request.user, notice=notice)
    return redirect("complaints:dept_notices")


@department_only
@require_POST
def department_notices_read_all(request):
    n = notices.department_notice_read(user=request.user)
    messages.success(
        request, ngettext("已将 %(n)s 条通知标为已读", "已将 %(n)s 条通知标为已读", n) % {"n": n}
    )
    return redirect("complaints:dept_notices")
