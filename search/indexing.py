"""Index writes, run now: what the indexing tasks run and what reindex and the tests call.

Owns the choice of backend (by settings) and the rule that a reload through the owning app's
loader indexes what the loader returns and removes the rest. Imports no tasks module, so the
tasks can import it and search.api can queue the tasks.
"""

from collections.abc import Iterable
from functools import lru_cache
from importlib import import_module

from . import conf
from .backends import BaseBackend
from .documents import Document
from .documents import get as get_doc_type


@lru_cache(maxsize=4)
def _load_backend(path: str) -> BaseBackend:
    return import_module(path).Backend()


def backend() -> BaseBackend:
    return _load_backend(conf.get("SEARCH_BACKEND"))


def ids_as_strings(ids) -> list[str]:
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
    ids = ids_as_strings(ids)
    documents = list(doc_type.load(ids)) if ids else []
    found = {str(doc.id) for doc in documents}
    missing = [i for i in ids if i not in found]
    if documents:
        backend().index(doc_type, documents)
    if missing:
        backend().remove(doc_type, missing)
    return len(documents), len(missing)


def remove(doc_type_name: str, ids) -> None:
    backend().remove(get_doc_type(doc_type_name), ids_as_strings(ids))
