"""Site search (/search/?q=): every document type registered with site_search=True."""

from django.shortcuts import render

from . import api
from .segment import MAX_QUERY_CHARS

PER_SECTION = 5
PER_PAGE = 20


def site_search(request):
    q = (request.GET.get("q") or "").strip()[:MAX_QUERY_CHARS]
    only = request.GET.get("type") or ""
    types = [d for d in api.registry.values() if d.site_search]
    if only not in {d.name for d in types}:
        only = ""
    sections = []
    if q:
        for doc_type in types:
            if only and doc_type.name != only:
                continue
            results = api.search(
                doc_type.name,
                q,
                page=request.GET.get("page", 1) if only else 1,
                per_page=PER_PAGE if only else PER_SECTION,
            )
            sections.append((doc_type, results))
    return render(
        request,
        "search/search.html",
        {
            "q": q,
            "only": only,
            "sections": sections,
            "types": types,
            "nothing": bool(q) and not any(r.total for _, r in sections),
        },
    )
