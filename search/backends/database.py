"""The embedded backend: our own table plus the database's full-text index.

SQLite: FTS5 over jieba-segmented words (search_fts, rowid = SearchDocument.id).
PostgreSQL: `search_vector` (generated, 'simple' configuration) with a GIN index; phrases with
phraseto_tsquery. Results newest first; totals and facet counts stop at SEARCH_TOTAL_CAP.
Other databases: a plain substring match (slow, for completeness).
"""

import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from itertools import islice

from django.db import connection, transaction
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.utils import timezone

from .. import conf
from ..documents import DocType, Document
from ..models import NO_DATE, SearchDocument
from ..results import Query, SearchResults
from ..segment import index_text, parse_query, word_pairs
from . import BaseBackend
from .common import (
    clamp_page,
    count_facets,
    doc_data,
    doc_facets,
    doc_published,
    doc_texts,
    doc_title,
    make_hit,
)

BATCH = 500
_UPDATE_FIELDS = ["title", "body", "segmented", "facets", "data", "published_at", "updated_at"]


def _batches(iterable, size):
    it = iter(iterable)
    while batch := list(islice(it, size)):
        yield batch


_STATS_SECONDS = 600
_stats = {"at": -_STATS_SECONDS, "share": {}}


def _lexeme_shares() -> dict[str, float]:
    """PostgreSQL's sampled share of documents holding each of the most common words (ANALYZE
    statistics of search_vector), read at most every ten minutes."""
    if time.monotonic() - _stats["at"] >= _STATS_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE tablename = 'search_searchdocument' AND attname = 'search_vector'"
            )
            row = cursor.fetchone()
        words, shares = row if row and row[0] else ([], [])
        _stats.update(at=time.monotonic(), share=dict(zip(words, shares, strict=False)))
    return _stats["share"]


def statistics_reset() -> None:
    """Read the statistics again at the next search (after an ANALYZE, say)."""
    _stats["at"] = -_STATS_SECONDS


def _share(phrases: list[list[str]]) -> float:
    """At most this share of documents matches (0 for a word too rare to have statistics):
    every phrase needs each of its words and adjacent pairs, whose shares are known."""
    shares = _lexeme_shares()
    return min(shares.get(word, 0.0) for phrase in phrases for word in phrase + word_pairs(phrase))


def fts5_query(phrases: list[list[str]]) -> str:
    """FTS5 MATCH text: every phrase quoted ("路灯 不 亮"), all required."""
    return " AND ".join('"' + " ".join(w.replace('"', '""') for w in p) + '"' for p in phrases)


class Backend(BaseBackend):
    name = "database"

    @property
    def vendor(self):
        return connection.vendor

    # --- writes ---------------------------------------------------------------------------
    def _row(self, doc_type: DocType, doc: Document, now) -> SearchDocument:
        title, texts = doc_title(doc_type, doc), doc_texts(doc_type, doc)
        return SearchDocument(
            doc_type=doc_type.name,
            doc_id=str(doc.id),
            title=title,
            body="\n".join(t for t in texts if t),
            segmented=index_text(title, *texts),
            facets=doc_facets(doc_type, doc),
            data=doc_data(doc),
            published_at=doc_published(doc_type, doc) or NO_DATE,
            updated_at=now,
        )

    def index(self, doc_type: DocType, documents: Iterable[Document], *, now=None) -> int:
        now = now or timezone.now()
        count = 0
        for batch in _batches(documents, BATCH):
            rows = [self._row(doc_type, doc, now) for doc in batch]
            with transaction.atomic():
                SearchDocument.objects.bulk_create(
                    rows,
                    update_conflicts=True,
                    unique_fields=["doc_type", "doc_id"],
                    update_fields=_UPDATE_FIELDS,
                )
                if self.vendor == "sqlite":
                    self._fts_refresh(doc_type, rows)
            count += len(rows)
        return count

    def _fts_refresh(self, doc_type, rows):
        ids = dict(
            SearchDocument.objects.filter(
                doc_type=doc_type.name, doc_id__in=[r.doc_id for r in rows]
            ).values_list("doc_id", "id")
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM search_fts WHERE rowid = %s", [(ids[r.doc_id],) for r in rows]
            )
            cursor.executemany(
                "INSERT INTO search_fts (rowid, segmented) VALUES (%s, %s)",
                [(ids[r.doc_id], r.segmented) for r in rows],
            )

    def _delete(self, qs):
        with transaction.atomic():
            if self.vendor == "sqlite":
                pks = list(qs.values_list("pk", flat=True))
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "DELETE FROM search_fts WHERE rowid = %s", [(pk,) for pk in pks]
                    )
                qs = SearchDocument.objects.filter(pk__in=pks)
            qs.delete()

    def remove(self, doc_type: DocType, ids: Iterable[str]) -> None:
        ids = [str(i) for i in ids]
        for batch in _batches(ids, BATCH):
            self._delete(SearchDocument.objects.filter(doc_type=doc_type.name, doc_id__in=batch))

    def reindex(self, doc_type: DocType, progress: Callable[[int], None] | None = None) -> int:
        """Upsert every public document, then drop the ones not seen: the index stays
        searchable throughout (no empty moment, no long lock)."""
        started = timezone.now()
        total = 0
        for batch in _batches(doc_type.load(None), BATCH):
            total += self.index(doc_type, batch, now=started)
            if progress:
                progress(len(batch))
        self.drop_stale(doc_type, started)
        return total

    def drop_stale(self, doc_type: DocType, started) -> None:
        """Delete the documents of this type not written since `started`."""
        stale = SearchDocument.objects.filter(doc_type=doc_type.name, updated_at__lt=started)
        while True:
            pks = list(stale.values_list("pk", flat=True)[:BATCH])
            if not pks:
                break
            self._delete(SearchDocument.objects.filter(pk__in=pks))

    # --- reads ----------------------------------------------------------------------------
    def match(self, phrases: list[list[str]], *, indexable: bool = True):
        """A filter keeping the documents that contain every phrase."""
        if self.vendor == "postgresql":
            parts, params = [], []
            for phrase in phrases:
                pairs = word_pairs(phrase)
                if pairs:  # the pairs narrow the GIN lookup, the phrase checks the order
                    parts.append("to_tsquery('simple', %s)")
                    params.append(" & ".join(pairs))
                parts.append("phraseto_tsquery('simple', %s)")
                params.append(" ".join(phrase))
            sql = f"search_vector @@ ({' && '.join(parts)})"
            if not indexable:
                sql = f"COALESCE({sql}, false)"
            return RawSQL(sql, params, output_field=BooleanField())
        if self.vendor == "sqlite":
            return RawSQL(
                "id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)",
                [fts5_query(phrases)],
                output_field=BooleanField(),
            )
        condition = Q()
        for phrase in phrases:
            condition &= Q(segmented__contains=" ".join(phrase))
        return condition

    def queryset(self, doc_type: DocType, q: str = "", filters=None):
        qs = SearchDocument.objects.filter(doc_type=doc_type.name)
        for name, value in (filters or {}).items():
            if name not in doc_type.facet_fields:
                raise ValueError(f"{name!r} is not a facet of {doc_type.name!r}")
            if value not in (None, ""):
                qs = qs.filter(**{f"facets__{name}": str(value)})
        phrases = parse_query(q)
        if phrases:
            qs = qs.filter(self.match(phrases))
        return qs, phrases

    def search(self, doc_type: DocType, query: Query) -> SearchResults:
        page, per_page = clamp_page(query.page, query.per_page)
        cap = conf.get("SEARCH_TOTAL_CAP")
        qs, phrases = self.queryset(doc_type, query.q, query.filters)
        # Count (and collect facet values) up to cap + 1 matches, in no particular order, so
        # the database stops as soon as it has found them. Facet counts are therefore exact
        # up to the cap and a sample of the first matches found beyond it.
        found = self._first_matches(doc_type, query, qs, phrases, cap)
        total = len(found)
        facets = count_facets(found[:cap], list(query.facets)) if query.facets else {}
        ordered = qs.order_by("-published_at", "-id")
        if phrases and self.vendor == "postgresql":
            # PostgreSQL's estimates for words and phrases are often far off, and either wrong
            # plan costs seconds, so the count above decides:
            if total <= cap:
                # few matches: take them all from the GIN index and sort them. (Walking the
                # date index instead tests every row for a word that matches almost nothing.)
                ordered = qs.order_by((F("published_at") + timedelta(0)).desc(), F("id").desc())
            else:
                # many matches: walk the date index newest first and stop at the page. (The
                # GIN index would fetch and sort every match of a frequent word.) The wrapped
                # condition cannot use the GIN index, which leaves the planner only this way.
                base, _ = self.queryset(doc_type, "", query.filters)
                ordered = base.filter(self.match(phrases, indexable=False)).order_by(
                    "-published_at", "-id"
                )
        offset = (page - 1) * per_page
        rows = list(
            ordered.values_list("doc_id", "title", "data", "published_at")[
                offset : offset + per_page
            ]
        )
        hits = [
            make_hit(
                doc_type,
                doc_id=d,
                title=t,
                data=data,
                phrases=phrases,
                published_at=None if p == NO_DATE else p,
            )
            for d, t, data, p in rows
        ]
        return SearchResults(
            hits=hits,
            total=min(total, cap),
            total_capped=total > cap,
            facets=facets,
            page=page,
            per_page=per_page,
            backend=self.name,
            query=query.q,
        )

    def _first_matches(self, doc_type, query, qs, phrases, cap) -> list[dict]:
        """The requested facet values ({name: value}) of the first cap + 1 matches found.

        On PostgreSQL, a query the statistics call frequent is first looked for in the first
        SEARCH_COUNT_WINDOW rows of the table, without the index: a word in 10 % of 1 M
        documents passes the cap after about 10,000 rows (a few ms per thousand), where the GIN
        index must first collect all 100,000 matches. If the window holds fewer, the index
        counts as for any other query, so totals never depend on the window."""
        names = list(query.facets)
        columns = {f"_facet{i}": KT(f"facets__{name}") for i, name in enumerate(names)}

        def as_dicts(rows):
            return [dict(zip(names, row[1:], strict=True)) for row in rows]

        window = conf.get("SEARCH_COUNT_WINDOW")
        if phrases and self.vendor == "postgresql" and (_share(phrases) * window >= 2 * (cap + 1)):
            base, _ = self.queryset(doc_type, "", query.filters)
            rows = (
                base.order_by()
                .annotate(_hit=self.match(phrases, indexable=False), **columns)
                .values_list("_hit", *columns)[:window]
            )
            sql, params = rows.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(
                    f'SELECT * FROM ({sql}) w WHERE w."_hit" LIMIT %s', [*params, cap + 1]
                )
                found = cursor.fetchall()
            if len(found) > cap:
                return as_dicts(found)
        return as_dicts(qs.order_by().annotate(**columns).values_list("pk", *columns)[: cap + 1])

    def health(self) -> str:
        SearchDocument.objects.exists()
        return f"ok (database, {self.vendor})"
