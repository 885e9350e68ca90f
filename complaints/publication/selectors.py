"""Reads of published outcomes, and the office's publication preview.

Owns: what the public sees (only published snapshots, never the raw case; an unpublished id
is a 404), the search of outcomes with facets through the search app, the automatic first
masking pass shown in the office's preview (with the roster's names kept readable).
"""

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.choices import CaseState, Finding
from complaints.models import Case
from portal.accounts.guards import Role, require_role
from portal.core.text import id_or_none
from search import api as search_api

from . import masking
from .models import PublishedOutcome
from .search_documents import DOC_TYPE, FACETS
from .services import OutcomeText, accountability_text

FACET_TITLES = {
    "department": gettext_lazy("承办部门"),
    "category": gettext_lazy("类别"),
    "finding": gettext_lazy("核查结论"),
    "year": gettext_lazy("年度"),
    "official": gettext_lazy("被投诉人员"),
}
# facets whose values are data written in Chinese (names): shown with lang="zh-Hans"
DATA_FACETS = {"department", "official"}


def outcome_get_public(*, pk) -> PublishedOutcome:
    outcome = PublishedOutcome.objects.published().filter(pk=pk).first()
    if outcome is None:
        raise Http404
    return outcome


def outcome_list_public(*, limit: int = 50):
    return PublishedOutcome.objects.published().order_by("-published_at", "-id")[:limit]


def _labels(field: str, values: list[str]) -> dict[str, str]:
    """Display names of facet values: primary-key lookups in the (public) unit, roster and
    category tables; a value whose row is gone falls back to the outcome's snapshot name."""
    from cms.models import OfficialPage, Unit
    from complaints.models import Category

    if field == "finding":
        return {v: str(Finding(v).label) if v in Finding.values else v for v in values}
    if field == "year":
        return {v: _("%(year)s年") % {"year": v} for v in values}
    if field == "category":
        return {c.code: c.display_name for c in Category.objects.filter(code__in=values)}
    model, snapshot = {
        "department": (Unit.objects, ("department_id", "department_name")),
        "official": (OfficialPage.objects, ("official_id", "official_name")),
    }[field]
    ids = [i for i in map(id_or_none, values) if i is not None]  # ?department=abc is no id
    name = "title" if field == "official" else "name"
    labels = {str(k): n for k, n in model.filter(pk__in=ids).values_list("pk", name)}
    for missing in [i for i in ids if str(i) not in labels][:20]:
        row = (
            PublishedOutcome.objects.filter(**{snapshot[0]: missing})
            .values_list(snapshot[1], flat=True)
            .first()
        )
        if row:
            labels[str(missing)] = row
    return labels


def outcome_search(
    *, q: str = "", filters: dict | None = None, page: int = 1, per_page: int = 20
) -> dict:
    """Published outcomes matching `q` (Chinese words, highlighted), filtered by facet
    values, with facet counts and labels."""
    filters = {k: str(v) for k, v in (filters or {}).items() if k in FACETS and v not in (None, "")}
    results = search_api.search(
        DOC_TYPE, q, filters=filters, facets=FACETS, page=page, per_page=per_page
    )
    facets = []
    for field in FACETS:
        counts = results.facets.get(field, [])
        values = [v for v, _ in counts] + ([filters[field]] if field in filters else [])
        labels = _labels(field, values)
        if field == "year":
            counts = sorted(counts, key=lambda kv: kv[0], reverse=True)
        facets.append(
            {
                "field": field,
                "title": FACET_TITLES[field],
                "lang": "zh-Hans" if field in DATA_FACETS else "",
                "selected": filters.get(field, ""),
                "selected_label": labels.get(filters.get(field, ""), ""),
                "values": [{"value": v, "label": labels.get(v, v), "count": n} for v, n in counts],
            }
        )
    return {"results": results, "facets": facets, "filters": filters, "q": q}


# --- office -------------------------------------------------------------------------------


def closed_case_list_for_office(*, user, status: str = ""):
    """Closed cases with their publication state, for the office's publication desk."""
    require_role(user, Role.OFFICE)
    published = PublishedOutcome.objects.filter(case=OuterRef("pk"), is_published=True)
    qs = (
        Case.objects.filter(state=CaseState.CLOSED)
        .select_related("category", "department", "official")
        .annotate(is_published=Exists(published))
        .order_by("-closed_at", "-id")
    )
    if status == "published":
        qs = qs.filter(is_published=True)
    elif status == "unpublished":
        qs = qs.filter(is_published=False)
    return qs


def closed_case_get_for_office(*, user, pk) -> Case:
    require_role(user, Role.OFFICE)
    case = (
        Case.objects.filter(state=CaseState.CLOSED, pk=pk)
        .select_related("category", "department", "official")
        .first()
    )
    if case is None:
        raise Http404
    return case


def roster_names() -> list[str]:
    """Names that stay readable: officials on the public roster and units' heads."""
    from cms.models import OfficialPage, Unit

    names = set(OfficialPage.objects.live().values_list("title", flat=True))
    names |= set(Unit.objects.exclude(head="").values_list("head", flat=True))
    return sorted(n for n in names if n)


def complainant_names(*, user, case) -> tuple[str, ...]:
    """The complainant's own name (named cases), read through the office-only selector."""
    from complaints.selectors import case_contact_for_user

    name = (case_contact_for_user(user=user, case=case) or {}).get("name", "")
    return (name,) if name and len(name.strip()) >= 2 else ()


def outcome_masking_for_office(*, user, case) -> list[tuple[str, "masking.Masked"]]:
    """The automatic masking of the case's texts with its spans, so the preview can show a
    clerk what was masked by which rule (to undo or add by hand in the form)."""
    require_role(user, Role.OFFICE)
    private = complainant_names(user=user, case=case)
    keep = roster_names()
    fields = (("投诉内容", case.text), ("答复", case.answer_text), ("整改措施", case.measures))
    return [
        (label, masking.mask_explained(value, private_names=private, keep_names=keep))
        for label, value in fields
        if value
    ]


def outcome_preview_for_office(*, user, case) -> tuple[OutcomeText, PublishedOutcome | None]:
    """The texts to show in the preview: the published snapshot if there is one (so hand
    edits are kept), else the automatic masking of the case."""
    require_role(user, Role.OFFICE)
    outcome = PublishedOutcome.objects.filter(case=case).first()
    if outcome is not None:
        return OutcomeText(
            title=outcome.title,
            summary=outcome.summary,
            answer=outcome.answer,
            measures=outcome.measures,
            accountability=outcome.accountability,
        ), outcome
    private = complainant_names(user=user, case=case)
    keep = roster_names()

    def mask(value):
        return masking.mask_text(value or "", private_names=private, keep_names=keep)

    # mask the whole text before cutting a title from it (a cut could split a number)
    summary = mask(case.text)
    title = mask(case.title) if case.title else f"{case.category.name}：{summary[:30]}"
    return OutcomeText(
        title=title[:200],
        summary=summary,
        answer=mask(case.answer_text),
        measures=mask(case.measures),
        accountability=accountability_text(
            handling_tier=case.handling_tier, handling_action=case.handling_action
        ),
    ), None


def outcome_public_by_case(*, case_ids) -> dict[int, PublishedOutcome]:
    """The public snapshot of each of these cases that has one, by case id, for readers of
    cases other than the results pages (Open311). Same definition of public as the results
    pages (PublishedOutcome.objects.published()), so a withdrawal or a 不公开 decision takes
    effect everywhere at once."""
    return {
        outcome.case_id: outcome
        for outcome in PublishedOutcome.objects.published().filter(case_id__in=list(case_ids))
    }


# --- handling shown with a result: measures, follow-ups, public-naming notices -------------


def outcome_handling_public(*, outcome: PublishedOutcome) -> dict:
    """What a public result shows of its case's handling beyond the snapshot: the measures
    taken (kind, date, a warning letter's rectification deadline and whether it was met, a
    published naming notice's link) and the 回头看 checks done with their finding. Only
    kinds, dates and findings: no staff notes, no names, no evidence."""
    from complaints.models import FollowUp, HandlingMeasure

    measures = list(
        HandlingMeasure.objects.filter(case_id=outcome.case_id).only(
            "pk", "kind", "created_at", "rectify_by", "rectified_on", "published_at"
        )
    )
    follow_ups = list(
        FollowUp.objects.filter(case_id=outcome.case_id)
        .exclude(finding="")
        .only("due_on", "finding", "recorded_at")
    )
    return {"measures": measures, "follow_ups": follow_ups}


def naming_notice_get_public(*, pk) -> tuple:
    """A published public-naming notice (通报曝光) and its case's public result if any; an
    unpublished or unknown id is a 404. The text is the office's, masked again for numbers
    and the complainant's details (the roster's names stay readable: naming is the point)."""
    from complaints.choices import HandlingAction
    from complaints.models import HandlingMeasure

    measure = (
        HandlingMeasure.objects.filter(
            pk=pk, kind=HandlingAction.PUBLIC_NAMING, published_at__isnull=False
        )
        .select_related("case")
        .first()
    )
    if measure is None:
        raise Http404
    keep = roster_names()
    body = masking.mask_text(measure.notice_body, keep_names=keep)
    title = masking.mask_text(measure.notice_title, keep_names=keep)
    outcome = PublishedOutcome.objects.published().filter(case_id=measure.case_id).first()
    return measure, title, body, outcome


def naming_notice_list_public(*, limit: int = 50):
    from complaints.choices import HandlingAction
    from complaints.models import HandlingMeasure

    return HandlingMeasure.objects.filter(
        kind=HandlingAction.PUBLIC_NAMING, published_at__isnull=False
    ).order_by("-published_at", "-id")[:limit]
