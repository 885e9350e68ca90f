"""Pieces every backend shares: turning a Document into stored values, building hits."""

from collections import Counter
from datetime import date, datetime, time

from django.utils import timezone

from .. import conf
from ..documents import DocType, Document, jsonable
from ..highlight import has_match, highlight
from ..results import Hit


def doc_title(doc_type: DocType, doc: Document) -> str:
    return str(doc.fields.get(doc_type.title_field) or "")


def doc_texts(doc_type: DocType, doc: Document) -> list[str]:
    """The text fields after the title, as strings."""
    return [str(doc.fields.get(name) or "") for name in doc_type.text_fields[1:]]


def doc_facets(doc_type: DocType, doc: Document) -> dict[str, str]:
    # facet values are compared as strings in every backend
    return {
        name: str(jsonable(doc.fields[name]))
        for name in doc_type.facet_fields
        if doc.fields.get(name) not in (None, "")
    }


def doc_published(doc_type: DocType, doc: Document) -> datetime | None:
    value = doc.fields.get(doc_type.date_field) if doc_type.date_field else None
    if isinstance(value, str) and value:
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time.min))
    return None


def doc_data(doc: Document) -> dict:
    return {key: jsonable(value) for key, value in doc.fields.items()}


def make_hit(doc_type: DocType, *, doc_id, title, data, phrases, published_at=None) -> Hit:
    texts = [str(data.get(name) or "") for name in doc_type.text_fields[1:]]
    texts = [t for t in texts if t]
    chosen = next((t for t in texts if has_match(t, phrases)), texts[0] if texts else "")
    return Hit(
        doc_type=doc_type.name,
        id=str(doc_id),
        title=highlight(title, phrases),
        snippet=highlight(chosen, phrases, max_chars=conf.get("SEARCH_SNIPPET_CHARS")),
        fields=data,
        published_at=published_at,
    )


def count_facets(facet_rows, names) -> dict[str, list[tuple[str, int]]]:
    counters = {name: Counter() for name in names}
    for facets in facet_rows:
        for name in names:
            value = (facets or {}).get(name)
            if value not in (None, ""):
                counters[name][str(value)] += 1
    return {name: sorted(c.items(), key=lambda kv: (-kv[1], kv[0])) for name, c in counters.items()}


def clamp_page(page, per_page):
    try:
        page = max(1, int(page))
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = int(per_page)
    except (TypeError, ValueError):
        per_page = 20
    per_page = min(max(1, per_page), conf.get("SEARCH_MAX_PER_PAGE"))
    return page, per_page
