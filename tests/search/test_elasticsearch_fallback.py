"""Elasticsearch down: search answers from the database, logs it, and /readyz says degraded.

These run without a cluster: ELASTICSEARCH_URL points at a closed port.
"""

import logging

import pytest

from search import api, indexing
from search.backends import SearchUnavailable

DOWN_URL = "http://127.0.0.1:9"


@pytest.fixture
def es_down(settings, notes):
    settings.SEARCH_BACKEND = "search.backends.elasticsearch"
    settings.ELASTICSEARCH_URL = DOWN_URL
    settings.SEARCH_ES_TIMEOUT = 1
    indexing._load_backend.cache_clear()
    yield api.backend()
    indexing._load_backend.cache_clear()


def test_search_falls_back_to_the_database_and_logs_it(es_down, notes, caplog):
    notes.rows["1"] = dict(title="小区路灯不亮", body="", unit="城管局", year=2025)
    with pytest.raises(SearchUnavailable):
        api.index_ids("note", ["1"])  # the database copy is written before Elasticsearch fails
    with caplog.at_level(logging.WARNING, logger="search.backends.elasticsearch"):
        results = api.search("note", "路灯")
    assert [h.id for h in results.hits] == ["1"]
    assert results.backend == "database (fallback)"
    assert "elasticsearch unreachable" in caplog.text


def test_health_is_degraded_when_elasticsearch_is_unreachable(es_down):
    assert api.health().startswith("degraded: elasticsearch unreachable")


def test_readyz_says_degraded_when_elasticsearch_is_unreachable(es_down, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["search"].startswith("degraded")


def test_readyz_says_ok_with_the_database_backend(client, db):
    assert client.get("/readyz").json()["checks"]["search"].startswith("ok")
