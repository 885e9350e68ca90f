"""Document types: what an owning app declares so that search can index its objects.

search knows nothing of the domain. An app registers a DocType naming its text fields, its
facet fields and a loader; the loader is the single place that decides what is public.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Document:
    """One indexable row, produced by a DocType's loader.

    `fields` holds every value to store: the text fields, the facet fields, the date field and
    anything the result page wants to show without a database hit (e.g. "url"). Values must be
    JSON-serialisable (str, int, float, bool, None, lists of those; dates are converted).
    """

    id: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class DocType:
    """A searchable document type.

    name         unique, e.g. "official", "news", "outcome" (lowercase letters, digits, "_")
    text_fields  fields searched, the first one is the title (shown highlighted)
    facet_fields fields that can be filtered on and counted (exact values)
    load         load(ids: list[str] | None) -> Iterable[Document]; ids=None means "all public
                 documents" (for reindex); for a list of ids it yields only those that are still
                 public, so an id it leaves out is removed from the index
    count        optional count() -> int of all public documents (progress bar of reindex)
    date_field   optional field holding a date/datetime: results are newest first by it
    label        a heading for this type on the site search page (/search/)
    site_search  listed on /search/ (its documents must store "url"; "meta", a short line
                 shown under the title, is optional)
    """

    name: str
    text_fields: tuple[str, ...]
    load: Callable[[list[str] | None], Iterable[Document]]
    facet_fields: tuple[str, ...] = ()
    date_field: str | None = None
    count: Callable[[], int] | None = None
    label: str = ""
    site_search: bool = False

    @property
    def title_field(self) -> str:
        return self.text_fields[0]


registry: dict[str, DocType] = {}


class UnknownDocType(LookupError):
    pass


def register(doc_type: DocType) -> DocType:
    if not doc_type.name.replace("_", "").isalnum() or doc_type.name.lower() != doc_type.name:
        raise ValueError(f"document type name {doc_type.name!r}: lowercase letters, digits, _")
    if not doc_type.text_fields:
        raise ValueError("a document type needs at least one text field")
    registry[doc_type.name] = doc_type
    return doc_type


def get(name: str) -> DocType:
    try:
        return registry[name]
    except KeyError:
        raise UnknownDocType(name) from None


def jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
