"""Search backends. Each module defines `Backend` with the methods of `BaseBackend`."""

from collections.abc import Callable, Iterable

from ..documents import DocType, Document
from ..results import Query, SearchResults


class SearchUnavailable(Exception):
    """The search service cannot be reached (indexing should be retried later)."""


class BaseBackend:
    name = "base"

    def index(self, doc_type: DocType, documents: Iterable[Document]) -> int:
        raise NotImplementedError

    def remove(self, doc_type: DocType, ids: Iterable[str]) -> None:
        raise NotImplementedError

    def search(self, doc_type: DocType, query: Query) -> SearchResults:
        raise NotImplementedError

    def reindex(self, doc_type: DocType, progress: Callable[[int], None] | None = None) -> int:
        raise NotImplementedError

    def health(self) -> str:
        raise NotImplementedError
