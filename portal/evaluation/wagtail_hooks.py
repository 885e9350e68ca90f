"""Admin menu entries and dashboard panels of the ratings back office: the office's workbench
(call-backs, appeals, revocations, tickets, staff phones), the warnings, scores and reports
that the office and leaders read, the rated unit's own tickets, ratings and poster; the
rating block on cms' official profile page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from cms.models import OFFICIAL_PROFILE_CONTEXT
from portal.accounts.admin_menu import CountsPanel, RoleMenuItem, UnitMenuItem
from portal.accounts.guards import Role, holds

from .views import profile_context

OFFICE, LEADER, DEPARTMENT = (Role.OFFICE,), (Role.OFFICE, Role.LEADER), (Role.DEPARTMENT,)

hooks.register(OFFICIAL_PROFILE_CONTEXT, profile_context)


def _poster_url(unit_id) -> str:
    return reverse("evaluation:poster", args=[unit_id])


@hooks.register("register_admin_viewset")
def register_kiosk_viewset():
    from .admin_kiosk import kiosk_viewset

    return kiosk_viewset


@hooks.register("register_admin_viewset")
def register_sampling_viewset():
    from .admin_sampling import sampling_viewset

    return sampling_viewset


@hooks.register("register_admin_viewset")
def register_callback_viewset():
    from .admin_callbacks import callback_viewset

    return callback_viewset


@hooks.register("register_admin_viewset")
def register_suspicious_viewset():
    from .admin_suspicious import suspicious_viewset

    return suspicious_viewset


@hooks.register("register_admin_menu_item")
def register_evaluation_menu_item():
    return SubmenuMenuItem(
        _("测评管理"),
        Menu(
            items=[
                RoleMenuItem(
                    _("测评工作台（回访、申诉、撤销）"),
                    reverse("evaluation:office_dashboard"),
                    roles=OFFICE,
                    name="evaluation-dashboard",
                    icon_name="tasks",
                    order=10,
                ),
                RoleMenuItem(
                    _("回访工作台"),
                    reverse("evaluation_callbacks:queue"),
                    roles=OFFICE,
                    name="evaluation-callbacks",
                    icon_name="phone",
                    order=15,
                ),
                RoleMenuItem(
                    _("可疑评价核查"),
                    reverse("evaluation_suspicious:list"),
                    roles=OFFICE,
                    name="evaluation-suspicious",
                    icon_name="warning",
                    order=17,
                ),
                RoleMenuItem(
                    _("评价券"),
                    reverse("evaluation:office_tickets"),
                    roles=OFFICE,
                    name="evaluation-tickets",
                    icon_name="tag",
                    order=20,
                ),
                RoleMenuItem(
                    _("窗口评价器"),
                    reverse("evaluation_kiosks:devices"),
                    roles=OFFICE,
                    name="evaluation-kiosks",
                    icon_name="desktop",
                    order=25,
                ),
                RoleMenuItem(
                    _("办件导入与短信抽样"),
                    reverse("evaluation_sampling:import"),
                    roles=OFFICE,
                    name="evaluation-sampling",
                    icon_name="upload",
                    order=27,
                ),
                RoleMenuItem(
                    _("工作人员手机号导入"),
                    reverse("evaluation:office_staff_phones"),
                    roles=OFFICE,
                    name="evaluation-staff-phones",
                    icon_name="mobile-alt",
                    order=30,
                ),
            ]
        ),
        name="evaluation",
        icon_name="tasks",
        order=910,
    )


@hooks.register("register_admin_menu_item")
def register_evaluation_reports_menu_item():
    return SubmenuMenuItem(
        _("预警与月度报告"),
        Menu(
            items=[
                RoleMenuItem(
                    _("预警"),
                    reverse("evaluation:office_warnings"),
                    roles=LEADER,
                    name="evaluation-warnings",
                    icon_name="warning",
                    order=10,
                ),
                RoleMenuItem(
                    _("评分与排名"),
                    reverse("evaluation:office_scores"),
                    roles=LEADER,
                    name="evaluation-scores",
                    icon_name="table",
                    order=20,
                ),
                RoleMenuItem(
                    _("月度报告"),
                    reverse("evaluation:office_reports"),
                    roles=LEADER,
                    name="evaluation-monthly-reports",
                    icon_name="doc-full",
                    order=30,
                ),
            ]
        ),
        name="evaluation-reports",
        icon_name="doc-full",
        order=920,
    )


@hooks.register("register_admin_menu_item")
def register_unit_evaluation_menu_item():
    return SubmenuMenuItem(
        _("本单位测评"),
        Menu(
            items=[
                RoleMenuItem(
                    _("评价券"),
                    reverse("evaluation:office_tickets"),
                    roles=DEPARTMENT,
                    name="unit-tickets",
                    icon_name="tag",
                    order=10,
                ),
                RoleMenuItem(
                    _("开始办件评价"),
                    reverse("evaluation_kiosks:open"),
                    roles=DEPARTMENT,
                    name="unit-kiosk-open",
                    icon_name="desktop",
                    order=15,
                ),
                RoleMenuItem(
                    _("本单位评价"),
                    reverse("evaluation:unit_ratings"),
                    roles=DEPARTMENT,
                    name="unit-ratings",
                    icon_name="list-ul",
                    order=20,
                ),
                UnitMenuItem(
                    _("二维码海报"),
                    _poster_url,
                    name="unit-poster",
                    icon_name="image",
                    order=30,
                ),
            ]
        ),
        name="unit-evaluation",
        icon_name="tasks",
        order=900,
    )


@hooks.register("construct_homepage_panels")
def add_evaluation_panels(request, panels):
    from . import selectors

    user = request.user
    counts = selectors.office_queue_counts(user=user)
    if counts:
        dashboard = reverse("evaluation:office_dashboard")
        panels.append(
            CountsPanel(
                name="evaluation-queues",
                heading=_("测评待办"),
                order=20,
                rows=[
                    (_("待回访"), counts["callbacks"], dashboard + "#callbacks"),
                    (_("回访已超期"), counts["callbacks_overdue"], dashboard + "#callbacks"),
                    (_("待复核申诉"), counts["appeals"], dashboard),
                    (
                        _("可疑评价提示"),
                        counts["suspicious"],
                        reverse("evaluation_suspicious:list"),
                    ),
                ],
            )
        )
    overview = selectors.leader_overview(user=user)
    if overview:
        report = overview["latest_report"]
        report_row = (
            (
                _("最新月度报告：%(month)s") % {"month": f"{report.month:%Y-%m}"},
                None,
                reverse("evaluation:office_report", args=[report.month.year, report.month.month]),
            )
            if report
            else (_("月度报告（尚未生成）"), None, reverse("evaluation:office_reports"))
        )
        panels.append(
            CountsPanel(
                name="leader-overview",
                heading=_("领导参阅"),
                order=5,
                rows=[
                    report_row,
                    (
                        _("本月预警"),
                        overview["warnings_this_month"],
                        reverse("evaluation:office_warnings"),
                    ),
                    (_("评分与排名"), None, reverse("evaluation:office_scores")),
                    (_("投诉工作台"), None, reverse("complaints:office_dashboard")),
                ],
            )
        )
    if holds(user, Role.DEPARTMENT):
        panels.append(
            CountsPanel(
                name="unit-evaluation",
                heading=_("本单位测评"),
                order=20,
                rows=[
                    (_("评价券"), None, reverse("evaluation:office_tickets")),
                    (_("本单位评价"), None, reverse("evaluation:unit_ratings")),
                    (_("二维码海报"), None, _poster_url(user.unit_id)),
                ],
            )
        )
