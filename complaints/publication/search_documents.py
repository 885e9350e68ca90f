"""The "outcome" search document: a published, masked outcome (never the raw case).

The loader is the single place that decides what is public: only rows with is_published.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from search import api as search_api
from search.documents import DocType, Document

DOC_TYPE = "outcome"
FACETS = ("department", "category", "finding", "year", "official")


def outcome_document(outcome) -> Document:
    return Document(
        id=str(outcome.pk),
        fields={
            "title": outcome.title,
            "summary": outcome.summary,
            "answer": outcome.answer,
            "measures": outcome.measures,
            "department_name": outcome.department_name,
            "official_name": outcome.official_name,
            "category_name": outcome.category_name,
            "number": outcome.number,
            # facets: exact values, labels come from the rows (selectors._labels)
            "department": outcome.department_id,
            "category": outcome.category_code,
            "finding": outcome.finding,
            "year": outcome.year,
            "official": outcome.official_id,
            "closed_at": outcome.closed_at,
            "url": outcome.get_absolute_url(),
            # the short line under the title on the site search page (/search/)
            "meta": " · ".join(
                p
                for p in (
                    outcome.department_name,
                    outcome.category_name,
                    f"{timezone.localdate(outcome.closed_at):%Y-%m-%d}"
                    if outcome.closed_at
                    else "",
                )
                if p
            ),
        },
    )


def _queryset():
    from .models import PublishedOutcome

    return PublishedOutcome.objects.published().order_by("pk")


def load(ids):
    qs = _queryset()
    if ids is not None:
        qs = qs.filter(pk__in=[int(i) for i in ids if str(i).isdigit()])
    for outcome in qs.iterator(chunk_size=500):
        yield outcome_document(outcome)


def count() -> int:
    return _queryset().count()


def register_documents():
    search_api.register(
        DocType(
            name=DOC_TYPE,
            text_fields=(
                "title",
                "summary",
                "answer",
                "measures",
                "department_name",
                "official_name",
                "category_name",
                "number",
            ),
            facet_fields=FACETS,
            date_field="closed_at",
            load=load,
            count=count,
            label=_("办理结果"),
            site_search=True,
        )
    )
