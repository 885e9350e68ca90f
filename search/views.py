"""Site search (/search/?q=): every document type registered with site_search=True."""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.shortcuts import render

from portal.core.text import page_number

from . import api
from .segment import MAX_QUERY_CHARS, has_words

PER_SECTION = 5
PER_PAGE = 20


def site_search(request):
    asked = "q" in request.GET  # the form was sent, perhaps with nothing to look for
    q = (request.GET.get("q") or "").strip()[:MAX_QUERY_CHARS]
    only = request.GET.get("type") or ""
    types = [d for d in api.registry.values() if d.site_search]
    if only not in {d.name for d in types}:
        only = ""
    page = page_number(request.GET.get("page")) if only else 1
    sections = []
    # "*", "！？。" or spaces alone: guidance, not every document under "“*”"
    searchable = has_words(q)
    if searchable:
        for doc_type in types:
            if only and doc_type.name != only:
                continue
            results = api.search(
                doc_type.name, q, page=page, per_page=PER_PAGE if only else PER_SECTION
            )
            if only and results.total and page > results.num_pages and not results.total_capped:
                last = {"q": q, "type": only, "page": results.num_pages}
                return HttpResponseRedirect(f"{request.path}?{urlencode(last)}")
            sections.append((doc_type, results))
    return render(
        request,
        "search/search.html",
        {
            "q": q,
            "only": only,
            "sections": sections,
            "types": types,
            "no_words": asked and not searchable,
            "nothing": searchable and not any(r.total for _, r in sections),
        },
    )
