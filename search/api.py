"""The one search interface the domain apps call. Backends are chosen by settings.

An owning app declares its document types (search.documents.DocType) and registers them in its
AppConfig.ready(); after a commit that publishes, edits or withdraws an object it calls
`index_on_commit(name, ids)`; pages call `search(name, q, ...)`. search knows no domain model.

    register(doc_type)                       declare a document type
    index(name, id, fields)                  index one document from its field values now
    index_ids(name, ids)                     (re)load through the loader: index what is public,
                                             remove what is not (what the tasks run)
    index_on_commit(name, ids)               queue index_ids through the outbox: it is sent after
                                             the commit, or by the relay when the broker is down
    remove(name, ids) / remove_on_commit(...)
    search(name, q, filters=, facets=, page=, per_page=) -> SearchResults
    has_words(q) -> bool                     False for "*", "！？。", spaces: nothing to look for
    reindex(name, progress=None) -> count    rebuild one type (zero downtime)
    health() -> "ok …" | "degraded: …"        for /readyz
"""

import logging
from collections.abc import Callable, Iterable

from portal.outbox.services import outbox_enqueue

from .documents import DocType, Document, UnknownDocType, registry
from .documents import get as get_doc_type
from .documents import register as _register
from .indexing import backend, ids_as_strings, index, index_ids, remove
from .results import Hit, Query, SearchResults
from .segment import has_words
from .tasks import search_index_task, search_remove_task

__all__ = [
    "DocType",
    "Document",
    "Hit",
    "SearchResults",
    "UnknownDocType",
    "backend",
    "has_words",
    "health",
    "index",
    "index_ids",
    "index_on_commit",
    "register",
    "registry",
    "reindex",
    "remove",
    "remove_on_commit",
    "search",
]

log = logging.getLogger(__name__)


def register(doc_type: DocType) -> DocType:
    return _register(doc_type)


def index_on_commit(doc_type_name: str, ids) -> None:
    """Queue `search_index_task` (ids only) in the current transaction, through the outbox:
    it goes to the broker after commit, or later by the relay if the broker is down, so an
    index update is never lost."""
    get_doc_type(doc_type_name)
    outbox_enqueue(
        search_index_task, kwargs={"doc_type": doc_type_name, "ids": ids_as_strings(ids)}
    )


def remove_on_commit(doc_type_name: str, ids) -> None:
    """Queue `search_remove_task` (ids only) through the outbox, like index_on_commit."""
    get_doc_type(doc_type_name)
    outbox_enqueue(
        search_remove_task, kwargs={"doc_type": doc_type_name, "ids": ids_as_strings(ids)}
    )


def search(
    doc_type_name: str,
    q: str = "",
    *,
    filters: dict | None = None,
    facets: Iterable[str] = (),
    page: int = 1,
    per_page: int = 20,
) -> SearchResults:
    """Documents of one type matching `q` (every space-separated part is a phrase), newest
    first. `filters` keep exact facet values; `facets` names the fields to count."""
    doc_type = get_doc_type(doc_type_name)
    query = Query(
        doc_type=doc_type_name,
        q=(q or "").strip(),
        filters=dict(filters or {}),
        facets=tuple(facets),
        page=page,
        per_page=per_page,
    )
    for name in query.facets:
        if name not in doc_type.facet_fields:
            raise ValueError(f"{name!r} is not a facet of {doc_type_name!r}")
    return backend().search(doc_type, query)


def reindex(doc_type_name: str, progress: Callable[[int], None] | None = None) -> int:
    return backend().reindex(get_doc_type(doc_type_name), progress)


def health() -> str:
    """ "ok …" or "degraded: …" (Elasticsearch down, database fallback serving)."""
    return backend().health()
