"""Reads of content: the roster, units, news, and the run-time rules (site settings)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q

from portal.core.text import id_or_none

from .models import NewsPage, OfficialIndexPage, OfficialPage, PolicyPage, PortalSettings, Unit


def unit_list():
    return list(Unit.objects.order_by("display_order", "id"))


def official_list(*, unit_id=None, query: str = ""):
    """Live officials with their unit, in roster order; a constant number of queries."""
    qs = (
        OfficialPage.objects.live()
        .select_related("unit")
        .order_by("unit__display_order", "unit_id", "display_order", "id")
    )
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if query:
        q = query.lower().replace(" ", "")
        condition = Q(title__icontains=query) | Q(post__icontains=query)
        if q.isascii() and q.isalpha():
            condition |= Q(name_initials__startswith=q) | Q(name_pinyin__startswith=q)
        qs = qs.filter(condition)
    return qs


@dataclass(frozen=True)
class RosterPage:
    """One page of the roster: its officials grouped by unit, the page position, and every
    unit with its number of listed officials (the jump list)."""

    groups: list  # [(unit, [officials…], unit's count on all pages), …] of this page only
    number: int
    num_pages: int
    total: int
    units: list  # [(unit, count), …] every unit with at least one listed official

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def _grouped(officials) -> list:
    groups: list[tuple[Unit, list]] = []
    for official in officials:
        if not groups or groups[-1][0].pk != official.unit_id:
            groups.append((official.unit, []))
        groups[-1][1].append(official)
    return groups


def roster_page(*, index_page=None, unit_id=None, query="", page=1, per_page=None, units=None):
    """One page of the roster in roster order (settings.ROSTER_PER_PAGE officials), grouped by
    unit. Three queries whatever the size: the officials per unit (which give the total), the
    units (unless `units` is given), the page's officials with their units. `page` past the
    last is the last (the caller redirects when it differs from what was asked)."""
    per_page = max(1, per_page or settings.ROSTER_PER_PAGE)
    # only ASCII digits within the integer column ('²', 20 or 5000 digits: a 500 otherwise)
    qs = official_list(unit_id=id_or_none(unit_id), query=query)
    if index_page is not None:
        qs = qs.child_of(index_page)
    counts = dict(qs.order_by().values_list("unit_id").annotate(n=Count("id")))
    units = [(u, counts[u.pk]) for u in (unit_list() if units is None else units) if u.pk in counts]
    total = sum(counts.values())
    num_pages = max(1, -(-total // per_page))
    number = min(max(1, page), num_pages)
    start = (number - 1) * per_page
    return RosterPage(
        groups=[(u, people, counts[u.pk]) for u, people in _grouped(qs[start : start + per_page])],
        number=number,
        num_pages=num_pages,
        total=total,
        units=units,
    )


def roster_url() -> str:
    page = OfficialIndexPage.objects.live().first()
    return page.url if page else "/officials/"


def news_latest(*, limit=5):
    return list(NewsPage.objects.live().order_by("-date")[:limit])


def policy_latest(*, limit=5):
    return list(PolicyPage.objects.live().order_by("-date")[:limit])


@dataclass(frozen=True)
class Rules:
    """The tunable rules in force: site settings when present, else Django settings."""

    warning_thresholds: dict  # {"III": (month, year), "II": (...), "I": (...)}
    case_deadline_working_days: int
    callback_hours: int
    qr_radius_meters: int
    ranking_min_ratings: int
    ranking_public: bool


def portal_rules(site=None) -> Rules:
    rows = (
        PortalSettings.objects.filter(site=site)
        if site
        else (PortalSettings.objects.filter(site__is_default_site=True))
    )  # one query, not two
    row = rows.first()
    if row is None:
        t = settings.WARNING_THRESHOLDS
        return Rules(
            warning_thresholds={k: tuple(v) for k, v in t.items()},
            case_deadline_working_days=settings.CASE_DEADLINE_WORKING_DAYS,
            callback_hours=settings.CALLBACK_HOURS,
            qr_radius_meters=settings.QR_RADIUS_METERS,
            ranking_min_ratings=settings.RANKING_MIN_RATINGS,
            ranking_public=settings.RANKING_PUBLIC,
        )
    return Rules(
        warning_thresholds={
            "III": (row.warning_iii_month, row.warning_iii_year),
            "II": (row.warning_ii_month, row.warning_ii_year),
            "I": (row.warning_i_month, row.warning_i_year),
        },
        case_deadline_working_days=row.case_deadline_working_days,
        callback_hours=row.callback_hours,
        qr_radius_meters=row.qr_radius_meters,
        ranking_min_ratings=row.ranking_min_ratings,
        ranking_public=row.ranking_public,
    )
