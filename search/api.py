"""The one search interface the domain apps call. Backends are chosen by settings.

An owning app declares its document types (search.documents.DocType) and registers them in its
AppConfig.ready(); after a commit that publishes, edits or withdraws an object it calls
`index_on_commit(name, ids)`; pages call `search(name, q, ...)`. search knows no domain model.

    register(doc_type)                       declare a document type
    index(name, id, fields)                  index one document from its field values now
    index_ids(name, ids)                     (re)load through the loader: index what is public,
                                             remove what is not (what the tasks run)
    index_on_commit(name, ids)               queue index_ids after the current commit (Celery)
    remove(name, ids) / remove_on_commit(...)
    search(name, q, filters=, facets=, page=, per_page=) -> SearchResults
    reindex(name, progress=None) -> count    rebuild one type (zero downtime)
    health() -> "ok …" | "degraded: …"        for /readyz
"""

import logging
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import import_module

from django.db import transaction

from . import conf
from .backends import BaseBackend
from .documents import DocType, Document, UnknownDocType, registry
from .documents import get as get_doc_type
from .documents import register as _register
from .results import Hit, Query, SearchResults

__all__ = [
    "DocType", "Document", "Hit", "SearchResults", "UnknownDocType", "backend", "health",
    "index", "index_ids", "index_on_commit", "register", "registry", "reindex", "remove",
    "remove_on_commit", "search",
]

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _load_backend(path: str) -> BaseBackend:
    return import_module(path).Backend()


def backend() -> BaseBackend:
    return _load_backend(conf.get("SEARCH_BACKEND"))


def register(doc_type: DocType) -> DocType:
    return _register(doc_type)


def _ids(ids) -> list[str]:
    if isinstance(ids, str | int):
        ids = [ids]
    return [str(i) for i in ids]


def index(doc_type_name: str, id, fields: dict) -> None:
    """Index one document now, from its field values (replaces what was there)."""
    backend().index(get_doc_type(doc_type_name), [Document(id=str(id), fields=fields)])


def index_ids(doc_type_name: str, ids: Iterable) -> tuple[int, int]:
    """Reload documents through the type's loader; index those it returns, remove the others.
    Idempotent. Returns (indexed, removed)."""
    doc_type = get_doc_type(doc_type_name)
    ids = _ids(ids)
    documents = list(doc_type.load(ids)) if ids else []
    found = {str(doc.id) for doc in documents}
    missing = [i for i in ids if i not in found]
    if documents:
        backend().index(doc_type, documents)
    if missing:
        backend().remove(doc_type, missing)
    return len(documents), len(missing)


def remove(doc_type_name: str, ids) -> None:
    backend().remove(get_doc_type(doc_type_name), _ids(ids))


def index_on_commit(doc_type_name: str, ids) -> None:
    """Queue `search_index_task` (ids only) once the current transaction commits."""
    from .tasks import search_index_task

    get_doc_type(doc_type_name)
    ids = _ids(ids)
    transaction.on_commit(
        lambda: search_index_task.delay(doc_type=doc_type_name, ids=ids), robust=True
    )


def remove_on_commit(doc_type_name: str, ids) -> None:
    from .tasks import search_remove_task

    get_doc_type(doc_type_name)
    ids = _ids(ids)
    transaction.on_commit(
        lambda: search_remove_task.delay(doc_type=doc_type_name, ids=ids), robust=True
    )


def search(
    doc_type_name: str, q: str = "", *, filters: dict | None = None,
    facets: Iterable[str] = (), page: int = 1, per_page: int = 20,
) -> SearchResults:
    """Documents of one type matching `q` (every space-separated part is a phrase), newest
    first. `filters` keep exact facet values; `facets` names the fields to count."""
    doc_type = get_doc_type(doc_type_name)
    query = Query(
        doc_type=doc_type_name, q=(q or "").strip(), filters=dict(filters or {}),
        facets=tuple(facets), page=page, per_page=per_page,
    )
    for name in query.facets:
        if name not in doc_type.facet_fields:
            raise ValueError(f"{name!r} is not a facet of {doc_type_name!r}")
    return backend().search(doc_type, query)


def reindex(doc_type_name: str, progress: Callable[[int], None] | None = None) -> int:
    return backend().reindex(get_doc_type(doc_type_name), progress)


def health() -> str:
    """"ok …" or "degraded: …" (Elasticsearch down, database fallback serving)."""
    return backend().health()
