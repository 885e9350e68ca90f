"""A document type of the tests' own (search knows no domain), and the backends to run on."""

import os

import pytest

from search import api
from search.documents import DocType, Document

# every backend that must pass the contract suite; elasticsearch only with a live cluster
BACKENDS = [pytest.param("search.backends.database", id="database")]
BACKENDS.append(
    pytest.param(
        "search.backends.elasticsearch",
        id="elasticsearch",
        marks=[
            pytest.mark.elasticsearch,
            pytest.mark.skipif(
                not os.environ.get("ELASTICSEARCH_URL"),
                reason="no Elasticsearch cluster: set ELASTICSEARCH_URL to run the contract on one",
            ),
        ],
    )
)


class NoteStore:
    """The 'owning app' of the test document type: a dict of public notes."""

    def __init__(self):
        self.rows: dict[str, dict] = {}

    def load(self, ids):
        keys = sorted(self.rows, key=int) if ids is None else [i for i in ids if i in self.rows]
        for key in keys:
            yield Document(id=key, fields=self.rows[key])

    def count(self):
        return len(self.rows)


@pytest.fixture
def notes(db):
    store = NoteStore()
    api.register(
        DocType(
            name="note",
            text_fields=("title", "body", "author"),
            facet_fields=("unit", "year"),
            date_field="date",
            load=store.load,
            count=store.count,
        )
    )
    yield store
    api.registry.pop("note", None)


@pytest.fixture(params=BACKENDS)
def search_backend(request, settings, notes):
    settings.SEARCH_BACKEND = request.param
    backend = api.backend()
    yield backend
    if request.param.endswith("elasticsearch"):
        backend.drop(api.registry["note"])
