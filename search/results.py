"""What a search returns, the same for every backend."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Query:
    doc_type: str
    q: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    facets: tuple[str, ...] = ()
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class Hit:
    doc_type: str
    id: str
    title: SafeString  # escaped, query words in <mark>
    snippet: SafeString  # escaped, query words in <mark>, cut around the first match
    fields: dict[str, Any]  # everything the loader stored (e.g. "url", facet values)
    published_at: datetime | None = None


@dataclass(frozen=True)
class SearchResults:
    hits: list[Hit]
    total: int  # exact when total_capped is False, else the cap
    total_capped: bool
    facets: dict[str, list[tuple[str, int]]]  # field -> [(value, count)], most first
    page: int
    per_page: int
    backend: str  # "database", "elasticsearch", or "database (fallback)"
    query: str = ""

    @property
    def total_display(self) -> str:
        return f"{self.total}+" if self.total_capped else str(self.total)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def previous_page(self) -> int:
        return max(1, self.page - 1)

    @property
    def next_page(self) -> int:
        return self.page + 1
