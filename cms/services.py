"""Content writes: units and the roster. Both seed_demo and import_roster go through here."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site

from portal.audit.seals import record_seal
from portal.audit.services import audit_append

from .models import (
    Gender,
    HomePage,
    NewsIndexPage,
    OfficialIndexPage,
    OfficialPage,
    OfficialRank,
    PolicyIndexPage,
    PortalSettings,
    Unit,
)

ERR_RULES_REASON = _("请填写修改理由")
RULES_PERMISSION = "cms.change_portalsettings"  # the office's (accounts migration 0004)
# a unit's location decides where on-site QR ratings count (QR_RADIUS_METERS): the office's
LOCATION_FIELDS = ("latitude", "longitude")


@dataclass
class OfficialData:
    name: str
    gender: str
    unit: Unit
    post: str
    rank: str = OfficialRank.SECTION
    work_in_charge: str = ""
    term_start: date | None = None
    term_end: date | None = None
    display_order: int = 0
    roster_code: str = ""
    slug: str = ""


@transaction.atomic
def site_structure_ensure() -> dict[str, Page]:
    """Home page as the default site's root, with roster, news and policy sections. Idempotent."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or _tree_root_create()
        # Wagtail's "Welcome" placeholder (slug "home") makes way for our home page;
        # deleting it also removes the Site pointing at it, which we create again below.
        for placeholder in root.get_children().filter(slug="home"):
            placeholder.delete()
        home = root.add_child(instance=HomePage(title="效能测评与投诉平台", slug="home", live=True))
        Site.objects.update(is_default_site=False)
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="效能测评与投诉平台",
        )
    sections = {}
    for model, slug, title in (
        (OfficialIndexPage, "officials", "测评对象名册"),
        (NewsIndexPage, "news", "动态公告"),
        (PolicyIndexPage, "policies", "政策宣传"),
    ):
        page = model.objects.child_of(home).first()
        if page is None:
            page = home.add_child(instance=model(title=title, slug=slug, live=True))
        sections[slug] = page
    sections["home"] = home
    return sections


def _tree_root_create():
    """A database emptied by a flush has no page tree: create Wagtail's root and locale."""
    from django.conf import settings
    from wagtail.models import Collection, Locale

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Collection.objects.exists():  # images and documents need the root collection
        Collection.add_root(name="Root")
    return Page.add_root(instance=Page(title="Root", slug="root", live=True))


def unit_upsert(*, name: str, **fields) -> tuple[Unit, bool]:
    unit, created = Unit.objects.get_or_create(name=name, defaults=fields)
    if not created:
        changed = [k for k, v in fields.items() if getattr(unit, k) != v]
        for key in changed:
            setattr(unit, key, fields[key])
        if changed:
            unit.save(update_fields=changed)
    return unit, created


_OFFICIAL_FIELDS = (
    "gender",
    "unit",
    "post",
    "rank",
    "work_in_charge",
    "term_start",
    "term_end",
    "display_order",
    "roster_code",
)


def official_upsert(*, data: OfficialData, roster: OfficialIndexPage, existing=None):
    """Create the official's page under the roster, or update it. Returns (page, status).

    status is "created", "updated" or "unchanged"; identity is the roster code when given,
    else the name within the unit (caller passes `existing` when it already looked it up).
    """
    if existing is None:
        existing = official_find(data=data)
    values = {f: getattr(data, f) for f in _OFFICIAL_FIELDS}
    if data.gender not in Gender.values:
        raise ValueError(f"gender {data.gender!r}")
    if existing is None:
        page = OfficialPage(title=data.name, slug=data.slug or _slug_for(data), live=True, **values)
        roster.add_child(instance=page)
        return page, "created"
    changed = [f for f, v in values.items() if getattr(existing, f) != v]
    if existing.title != data.name:
        changed.append("title")
        existing.title = data.name
    if not changed:
        return existing, "unchanged"
    for field in changed:
        if field != "title":
            setattr(existing, field, values[field])
    existing.save()
    return existing, "updated"


def official_find(*, data: OfficialData):
    qs = OfficialPage.objects.all()
    if data.roster_code:
        return qs.filter(roster_code=data.roster_code).first()
    if data.slug:
        found = qs.filter(slug=data.slug).first()
        if found:
            return found
    return qs.filter(unit=data.unit, title=data.name).first()


def _slug_for(data: OfficialData) -> str:
    from .pinyin import name_pinyin

    base = name_pinyin(data.name) or "official"
    slug, n = base, 1
    while OfficialPage.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def portal_rules_change(*, row: PortalSettings, actor, reason: str) -> PortalSettings:
    """Save the rule settings `row` (its new values set, e.g. by the admin form) for the
    office: ranges and the order of thresholds checked, a reason required, one audit event with
    the values before and after, sealed so a change made in the database is noticed. Counts
    from the next computation on; warnings already issued are not touched."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(RULES_PERMISSION):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(ERR_RULES_REASON, code="reason")
    row.full_clean()
    with transaction.atomic():
        stored = PortalSettings.objects.select_for_update().filter(pk=row.pk).first()
        before = stored.rule_values() if stored else PortalSettings.rule_defaults()
        row.save()
        after = row.rule_values()
        changed = [name for name in after if before[name] != after[name]]
        audit_append(
            chain=f"rules:{row.site_id}",
            action="rules_change",
            obj=row,
            actor=actor,
            before={name: before[name] for name in changed},
            after={
                **{name: after[name] for name in changed},
                "reason": reason,
                "seal": record_seal(row),
            },
        )
    return row


def unit_save(*, unit: Unit, actor, save=None) -> Unit:
    """Save `unit` as edited in the admin (`save`, e.g. the form's, else unit.save()). Its
    latitude and longitude are where on-site QR ratings are accepted, so only the office (the
    rule-settings permission) may change them, and each change is an audit event with the
    location before and after, in the same transaction."""
    with transaction.atomic():
        stored = Unit.objects.select_for_update().filter(pk=unit.pk).first() if unit.pk else None
        before = {f: _decimal_text(getattr(stored, f, None)) for f in LOCATION_FIELDS}
        after = {f: _decimal_text(getattr(unit, f)) for f in LOCATION_FIELDS}
        moved = before != after
        if moved and not actor.has_perm(RULES_PERMISSION):
            raise PermissionDenied
        unit = save() if save else unit
        if save is None:
            unit.save()
        if moved:
            audit_append(
                chain=f"unit:{unit.pk}",
                action="unit_location_change",
                obj=unit,
                actor=actor,
                before=before,
                after=after,
            )
    return unit


def _decimal_text(value) -> str:
    return "" if value in (None, "") else f"{Decimal(str(value)):.6f}"
