"""cms' own page context, registered as Wagtail hooks (see the hook names in cms.models):
the home page's latest news and policies, and the roster's units and groups. Pages declare;
the reads are cms.selectors."""

from urllib.parse import urlencode

from wagtail import hooks
from wagtail.actions import CreateAction, EditAction

from portal.core.text import page_number

from . import selectors
from .models import HOME_PAGE_CONTEXT, ROSTER_PAGE_CONTEXT, PortalSettings, Unit
from .services import portal_rules_change, unit_save


class PortalSettingsEditAction(EditAction):
    """The settings edit view saves the rules through their one service (reason, audit)."""

    def _save_instance(self):
        self.instance = portal_rules_change(
            row=self.form.instance if self.form else self.instance,
            actor=self.user,
            reason=self.form.cleaned_data.get("change_reason", "") if self.form else "",
        )


class _UnitSave:
    """A unit is saved through its service (the location is the office's, and audited)."""

    def _save_instance(self):
        form = self.form

        def save():
            return form.save() if form else (self.instance.save() or self.instance)

        self.instance = unit_save(
            unit=form.instance if form else self.instance, actor=self.user, save=save
        )


class UnitCreateAction(_UnitSave, CreateAction):
    pass


class UnitEditAction(_UnitSave, EditAction):
    pass


@hooks.register("register_actions")
def register_portal_settings_actions(registry):
    registry.register(PortalSettings, PortalSettingsEditAction)
    registry.register(Unit, UnitCreateAction)
    registry.register(Unit, UnitEditAction)


@hooks.register(HOME_PAGE_CONTEXT)
def home_page_context(*, request, page) -> dict:
    return {
        "latest_news": selectors.news_latest(limit=5),
        "latest_policies": selectors.policy_latest(limit=5),
        "roster_url": selectors.roster_url(),
    }


@hooks.register(ROSTER_PAGE_CONTEXT)
def roster_page_context(*, request, page) -> dict:
    unit_id = request.GET.get("unit") or None
    query = (request.GET.get("q") or "").strip()[:50]
    asked = page_number(request.GET.get("page"))
    units = selectors.unit_list()
    roster = selectors.roster_page(
        index_page=page, unit_id=unit_id, query=query, page=asked, units=units
    )
    base = {"unit": unit_id or "", "q": query}
    context = {
        "units": units,
        "roster": roster,
        "groups": roster.groups,
        "selected_unit": unit_id,
        "query": query,
        "previous_url": _query_url({**base, "page": roster.number - 1}),
        "next_url": _query_url({**base, "page": roster.number + 1}),
    }
    if asked > roster.number:  # past the last page: to the last one (Post/Redirect/Get style)
        context["redirect_url"] = request.path + _query_url({**base, "page": roster.number})
    return context


def _query_url(params: dict) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", 1)})
    return f"?{query}" if query else "?"
