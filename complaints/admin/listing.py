"""The case listings of the Wagtail admin: the office's (and the leader's, read-only) every
case, and a department's inbox, only its own unit's cases. Both are Wagtail `IndexView`s
with django-filter filters and Wagtail bulk actions (complaints.admin.bulk); the rows come
from the access selector, so another unit's case is never listed."""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views import generic

from portal.accounts.guards import Role, require_role

from .. import selectors
from ..choices import DEPARTMENT_STATES, CaseState
from ..models import Case
from .filters import CaseFilterSet, DepartmentCaseFilterSet


class _CaseListing(generic.IndexView):
    model = Case
    permission_policy = None
    any_permission_required = None
    template_name = "complaints/admin/case_index.html"
    default_ordering = "-submitted_at"
    paginate_by = 50
    page_title = _("投诉件")
    header_icon = "clipboard-list"
    roles: tuple = ()
    bulk_action_types: tuple = ()

    def dispatch(self, request, *args, **kwargs):
        # a role that has no listing is told nothing of it (404), as on the old desk
        require_role(request.user, *self.roles, hide=True)
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return selectors.case_list_for_user(user=self.request.user)

    def get_valid_orderings(self):
        return ["submitted_at", "-submitted_at", "deadline", "-deadline", "number", "-number"]

    def get_edit_url(self, instance):
        return reverse("cases:case", args=[instance.pk])

    def get_inspect_url(self, instance):
        return self.get_edit_url(instance)

    def get_list_buttons(self, instance):
        return []

    @cached_property
    def columns(self):
        columns = [
            TitleColumn(
                "number",
                label=_("编号"),
                sort_key="number",
                get_url=self.get_edit_url,
                get_title_id=lambda c: f"case_{c.pk}_title",
            ),
            Column("category", label=_("类别")),
            Column("get_state_display", label=_("状态")),
            Column("department", label=_("承办部门")),
            DateColumn("deadline", label=_("期限"), sort_key="deadline"),
            DateColumn("submitted_at", label=_("提交时间"), sort_key="submitted_at"),
            Column("flags", label=_("标记"), accessor=_flags),
        ]
        if self.bulk_actions_for_user():
            columns.insert(0, BulkActionsCheckboxColumn("bulk", obj_type="case"))
        return columns

    def bulk_actions_for_user(self) -> list:
        from .bulk import bulk_actions_for

        return bulk_actions_for(user=self.request.user, types=self.bulk_action_types)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["bulk_actions"] = [
            {"type": a.action_type, "label": a.display_name, "aria_label": a.aria_label}
            for a in self.bulk_actions_for_user()
        ]
        return context


def _flags(case) -> str:
    flags = []
    if case.urgent:
        flags.append(str(_("急")))
    if case.supervised_at:
        flags.append(str(_("督办")))
    if case.retaliation:
        flags.append(str(_("打击报复")))
    return " · ".join(flags)


class CaseIndexView(_CaseListing):
    """Every case: the office works here, a leader reads."""

    roles = (Role.OFFICE, Role.LEADER)
    filterset_class = CaseFilterSet
    bulk_action_types = ("assign",)


class DepartmentInboxView(_CaseListing):
    """A department's own unit's cases, in the states it handles, the nearest deadline first."""

    roles = (Role.DEPARTMENT,)
    filterset_class = DepartmentCaseFilterSet
    default_ordering = "deadline"
    page_title = _("本单位收件箱")
    bulk_action_types = ("sign",)

    def get_context_data(self, *args, **kwargs):
        return {**super().get_context_data(*args, **kwargs), "show_notices": True}

    def get_base_queryset(self):
        return (
            super().get_base_queryset().filter(state__in=DEPARTMENT_STATES | {CaseState.ANSWERED})
        )
