"""Elasticsearch backend (`elasticsearch.dsl`), with the database index as its fallback.

One index per document type behind an alias (`<SEARCH_INDEX_PREFIX>-<type>`); text fields use a
Chinese analyzer (SEARCH_ES_ANALYZER: "smartcn" by default, or IK's "ik_max_word"). Reindex
builds a new index, bulk-loads it and swaps the alias in one call: searches never see an empty
index. Every write also goes to the database backend so that, when the cluster cannot be
reached, search answers from the database (logged) and /readyz says "degraded".
"""

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import islice

from django.conf import settings
from django.utils import timezone
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import Date, Index, Keyword, Mapping, Object, Search, Text

from .. import conf
from ..documents import DocType, Document
from ..models import SearchDocument
from ..results import Query, SearchResults
from ..segment import is_single_character, parse_query, query_parts
from . import BaseBackend, SearchUnavailable
from .common import (
    clamp_page,
    doc_data,
    doc_facets,
    doc_published,
    doc_texts,
    doc_title,
    make_hit,
)
from .database import Backend as DatabaseBackend

log = logging.getLogger(__name__)
BATCH = 500
UNREACHABLE = (TransportError, ConnectionError)


class Backend(BaseBackend):
    name = "elasticsearch"

    def __init__(self):
        self.database = DatabaseBackend()
        self._client = None
        self._down_until = 0.0

    # --- plumbing -------------------------------------------------------------------------
    @property
    def client(self) -> Elasticsearch:
        if self._client is None:
            self._client = Elasticsearch(
                settings.ELASTICSEARCH_URL,
                request_timeout=conf.get("SEARCH_ES_TIMEOUT"),
                max_retries=0,
                retry_on_timeout=False,
            )
        return self._client

    def alias(self, doc_type: DocType) -> str:
        return f"{conf.get('SEARCH_INDEX_PREFIX')}-{doc_type.name}"

    def _mark_down(self, exc):
        self._down_until = time.monotonic() + conf.get("SEARCH_ES_RETRY_SECONDS")
        log.warning(
            "elasticsearch unreachable (%s): using the database index", exc.__class__.__name__
        )

    def _is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def mapping(self, doc_type: DocType) -> Mapping:
        analyzer = conf.get("SEARCH_ES_ANALYZER")
        text = {"analyzer": analyzer}
        if conf.get("SEARCH_ES_SEARCH_ANALYZER"):
            text["search_analyzer"] = conf.get("SEARCH_ES_SEARCH_ANALYZER")
        m = Mapping()
        m.field("doc_id", Keyword())
        # .chars: the standard analyzer cuts Chinese into single characters, for the rule that a
        # one-character query finds that character inside any word (search.segment)
        chars = {"chars": Text(analyzer="standard")}
        m.field(
            "text",
            Object(properties={n: Text(**text, fields=chars) for n in doc_type.text_fields}),
        )
        m.field("facets", Object(properties={n: Keyword() for n in doc_type.facet_fields}))
        m.field("published_at", Date())
        m.field("data", Object(enabled=False))
        return m

    def _create_index(self, doc_type: DocType) -> str:
        name = f"{self.alias(doc_type)}-{timezone.now():%Y%m%d%H%M%S%f}"
        index = Index(name, using=self.client)
        index.mapping(self.mapping(doc_type))
        index.create()
        return name

    def _ensure_alias(self, doc_type: DocType):
        alias = self.alias(doc_type)
        if not self.client.indices.exists_alias(name=alias):
            name = self._create_index(doc_type)
            self.client.indices.put_alias(index=name, name=alias)

    def _source(self, doc_type: DocType, doc: Document) -> dict:
        texts = dict(zip(doc_type.text_fields[1:], doc_texts(doc_type, doc), strict=True))
        texts[doc_type.title_field] = doc_title(doc_type, doc)
        published = doc_published(doc_type, doc)
        return {
            "doc_id": str(doc.id),
            "text": texts,
            "facets": doc_facets(doc_type, doc),
            "published_at": published.isoformat() if published else None,
            "data": doc_data(doc),
        }

    def _bulk(self, actions):
        helpers.bulk(self.client, actions, refresh="wait_for", raise_on_error=True)

    # --- writes ---------------------------------------------------------------------------
    def index(self, doc_type: DocType, documents: Iterable[Document]) -> int:
        documents = list(documents)
        self.database.index(doc_type, documents)
        try:
            self._ensure_alias(doc_type)
            self._bulk(
                {
                    "_op_type": "index",
                    "_index": self.alias(doc_type),
                    "_id": str(doc.id),
                    "_source": self._source(doc_type, doc),
                }
                for doc in documents
            )
        except UNREACHABLE as exc:
            self._mark_down(exc)
            raise SearchUnavailable(str(exc)) from exc
        return len(documents)

    def remove(self, doc_type: DocType, ids: Iterable[str]) -> None:
        ids = [str(i) for i in ids]
        self.database.remove(doc_type, ids)
        try:
            if not self.client.indices.exists_alias(name=self.alias(doc_type)):
                return
            for doc_id in ids:
                try:
                    self.client.delete(index=self.alias(doc_type), id=doc_id, refresh="wait_for")
                except NotFoundError:
                    pass
        except UNREACHABLE as exc:
            self._mark_down(exc)
            raise SearchUnavailable(str(exc)) from exc

    def reindex(self, doc_type: DocType, progress: Callable[[int], None] | None = None) -> int:
        """New index, bulk load, swap the alias, delete the old index (zero downtime)."""
        alias = self.alias(doc_type)
        started = timezone.now()
        try:
            new = self._create_index(doc_type)
            total = 0
            it = iter(doc_type.load(None))
            while batch := list(islice(it, BATCH)):
                self.database.index(doc_type, batch, now=started)
                self._bulk(
                    {
                        "_op_type": "index",
                        "_index": new,
                        "_id": str(doc.id),
                        "_source": self._source(doc_type, doc),
                    }
                    for doc in batch
                )
                total += len(batch)
                if progress:
                    progress(len(batch))
            self.database.drop_stale(doc_type, started)
            old = []
            if self.client.indices.exists_alias(name=alias):
                old = list(self.client.indices.get_alias(name=alias).body)
            actions = [{"remove": {"index": name, "alias": alias}} for name in old]
            actions.append({"add": {"index": new, "alias": alias}})
            self.client.indices.update_aliases(actions=actions)
            for name in old:
                self.client.indices.delete(index=name, ignore_unavailable=True)
            # writes that went to the old index while we loaded: copy them over from the
            # database index, which received them too
            late = SearchDocument.objects.filter(doc_type=doc_type.name, updated_at__gt=started)
            late_docs = [Document(id=r.doc_id, fields=r.data) for r in late.iterator()]
            if late_docs:
                self.index(doc_type, late_docs)
        except UNREACHABLE as exc:
            self._mark_down(exc)
            raise SearchUnavailable(str(exc)) from exc
        return total

    def drop(self, doc_type: DocType) -> None:
        """Delete every index of this type (tests)."""
        # by name: wildcard deletes are refused by default (action.destructive_requires_name)
        names = self.client.indices.get(index=f"{self.alias(doc_type)}-*").body
        for name in names:
            self.client.indices.delete(index=name, ignore_unavailable=True)

    # --- reads ----------------------------------------------------------------------------
    def search(self, doc_type: DocType, query: Query) -> SearchResults:
        if not self._is_down():
            try:
                return self._search(doc_type, query)
            except UNREACHABLE as exc:
                self._mark_down(exc)
            except ApiError as exc:  # e.g. no index yet: the database index has the documents
                log.warning("elasticsearch error %s: using the database index", exc)
        results = self.database.search(doc_type, query)
        return SearchResults(**{**results.__dict__, "backend": "database (fallback)"})

    def _search(self, doc_type: DocType, query: Query) -> SearchResults:
        page, per_page = clamp_page(query.page, query.per_page)
        cap = conf.get("SEARCH_TOTAL_CAP")
        fields = [f"text.{doc_type.title_field}^2"] + [
            f"text.{n}" for n in doc_type.text_fields[1:]
        ]
        s = Search(using=self.client, index=self.alias(doc_type))
        for part in query_parts(query.q):
            if is_single_character(part):
                chars = [f"{f.split('^')[0]}.chars" for f in fields]
                s = s.query("multi_match", query=part, type="phrase", fields=chars)
            else:
                s = s.query("multi_match", query=part, type="phrase", fields=fields)
        for name, value in query.filters.items():
            if name not in doc_type.facet_fields:
                raise ValueError(f"{name!r} is not a facet of {doc_type.name!r}")
            if value not in (None, ""):
                s = s.filter("term", **{f"facets.{name}": str(value)})
        for name in query.facets:
            s.aggs.bucket(name, "terms", field=f"facets.{name}", size=100)
        s = s.sort(
            {"published_at": {"order": "desc", "missing": "_last"}}, {"doc_id": {"order": "desc"}}
        )
        s = s.extra(track_total_hits=cap + 1)
        offset = (page - 1) * per_page
        s = s[offset : offset + per_page]
        response = s.execute()
        total = response.hits.total.value
        capped = total > cap or response.hits.total.relation == "gte" and total >= cap
        phrases = parse_query(query.q)
        hits = []
        for hit in response.hits:
            src = hit.to_dict()
            published = src.get("published_at")
            hits.append(
                make_hit(
                    doc_type,
                    doc_id=src["doc_id"],
                    title=src.get("text", {}).get(doc_type.title_field, ""),
                    data=src.get("data", {}),
                    phrases=phrases,
                    published_at=datetime.fromisoformat(published) if published else None,
                )
            )
        facets = {
            name: [(b.key, b.doc_count) for b in getattr(response.aggregations, name).buckets]
            for name in query.facets
        }
        return SearchResults(
            hits=hits,
            total=min(total, cap),
            total_capped=capped,
            facets=facets,
            page=page,
            per_page=per_page,
            backend=self.name,
            query=query.q,
        )

    def health(self) -> str:
        try:
            if self.client.ping():
                self._down_until = 0.0
                return "ok (elasticsearch)"
            reason = "no answer"
        except UNREACHABLE as exc:
            reason = exc.__class__.__name__
        self._mark_down(RuntimeError(reason))
        return f"degraded: elasticsearch unreachable ({reason}), database fallback"
