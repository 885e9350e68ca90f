"""Admin menu entries and dashboard panels of the ratings back office: the office's workbench
(call-backs, appeals, revocations, tickets, staff phones), the warnings, scores and reports
that the office and leaders read, the rated unit's own tickets, ratings and poster; the
rating block on cms' official profile page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from cms.models import OFFICIAL_PROFILE_CONTEXT
from portal.accounts.admin_menu import CountsPanel, role_submenu
from portal.accounts.guards import Role, holds

from .views import profile_context

OFFICE, LEADER, DEPARTMENT = (Role.OFFICE,), (Role.OFFICE, Role.LEADER), (Role.DEPARTMENT,)

hooks.register(OFFICIAL_PROFILE_CONTEXT, profile_context)


def _poster_url(unit_id) -> str:
    return reverse("evaluation_desk:poster", args=[unit_id])


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


@hooks.register("register_admin_viewset")
def register_leader_viewset():
    from .admin_leader import leader_viewset

    return leader_viewset


@hooks.register("register_admin_viewset")
def register_reports_viewset():
    from .admin_reports import reports_viewset

    return reports_viewset


@hooks.register("register_admin_viewset")
def register_desk_viewset():
    from .admin_desk import desk_viewset

    return desk_viewset


@hooks.register("register_admin_viewset")
def register_rating_viewset():
    from .admin_rating import rating_viewset

    return rating_viewset


@hooks.register("register_admin_viewset")
def register_office_viewset():
    from .admin_rating import office_viewset

    return office_viewset


@hooks.register("register_admin_viewset")
def register_unit_viewset():
    from .admin_unit import unit_viewset

    return unit_viewset


@hooks.register("register_admin_menu_item")
def register_evaluation_menu_item():
    return role_submenu(
        _("测评管理"),
        (
            _("测评工作台（回访、申诉、撤销）"),
            reverse("evaluation_office:dashboard"),
            OFFICE,
            "evaluation-dashboard",
            "tasks",
        ),
        (
            _("回访工作台"),
            reverse("evaluation_callbacks:queue"),
            OFFICE,
            "evaluation-callbacks",
            "phone",
        ),
        (
            _("可疑评价核查"),
            reverse("evaluation_suspicious:list"),
            OFFICE,
            "evaluation-suspicious",
            "warning",
        ),
        (_("评价券"), reverse("evaluation_desk:tickets"), OFFICE, "evaluation-tickets", "tag"),
        (
            _("窗口评价器"),
            reverse("evaluation_kiosks:devices"),
            OFFICE,
            "evaluation-kiosks",
            "desktop",
        ),
        (
            _("办件导入与短信抽样"),
            reverse("evaluation_sampling:import"),
            OFFICE,
            "evaluation-sampling",
            "upload",
        ),
        (
            _("工作人员手机号导入"),
            reverse("evaluation_desk:staff_phones"),
            OFFICE,
            "evaluation-staff-phones",
            "mobile-alt",
        ),
        name="evaluation",
        icon_name="tasks",
        order=910,
    )


@hooks.register("register_admin_menu_item")
def register_evaluation_reports_menu_item():
    return role_submenu(
        _("预警与月度报告"),
        (_("领导参阅"), reverse("evaluation_leader:landing"), LEADER, "leader-landing", "doc-full"),
        (
            _("预警"),
            reverse("evaluation_reports:warnings"),
            LEADER,
            "evaluation-warnings",
            "warning",
        ),
        (
            _("评分与排名"),
            reverse("evaluation_reports:scores"),
            LEADER,
            "evaluation-scores",
            "table",
        ),
        (
            _("月度报告"),
            reverse("evaluation_reports:reports"),
            LEADER,
            "evaluation-monthly-reports",
            "doc-full",
        ),
        name="evaluation-reports",
        icon_name="doc-full",
        order=920,
    )


@hooks.register("register_admin_menu_item")
def register_unit_evaluation_menu_item():
    return role_submenu(
        _("本单位测评"),
        (_("评价券"), reverse("evaluation_desk:tickets"), DEPARTMENT, "unit-tickets", "tag"),
        (
            _("开始办件评价"),
            reverse("evaluation_kiosks:open"),
            DEPARTMENT,
            "unit-kiosk-open",
            "desktop",
        ),
        (
            _("本单位评价"),
            reverse("evaluation_unit:ratings"),
            DEPARTMENT,
            "unit-ratings",
            "list-ul",
        ),
        (_("二维码"), reverse("evaluation_unit:codes"), DEPARTMENT, "unit-codes", "image"),
        (_("二维码海报"), _poster_url, DEPARTMENT, "unit-poster", "image"),
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
        dashboard = reverse("evaluation_office:dashboard")
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
                reverse("evaluation_reports:report", args=[report.month.year, report.month.month]),
            )
            if report
            else (_("月度报告（尚未生成）"), None, reverse("evaluation_reports:reports"))
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
                        reverse("evaluation_reports:warnings"),
                    ),
                    (_("评分与排名"), None, reverse("evaluation_reports:scores")),
                    (_("领导参阅"), None, reverse("evaluation_leader:landing")),
                    (_("投诉工作台"), None, reverse("cases:index")),
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
                    (_("评价券"), None, reverse("evaluation_desk:tickets")),
                    (_("本单位评价"), None, reverse("evaluation_unit:ratings")),
                    (_("二维码"), None, reverse("evaluation_unit:codes")),
                    (_("二维码海报"), None, _poster_url(user.unit_id)),
                ],
            )
        )
