import pytest


@pytest.mark.django_db
def test_healthz_says_alive(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_lists_database_cache_broker_and_search(client):
    body = client.get("/readyz").json()
    assert {"database", "cache", "broker", "search"} <= set(body["checks"])
    assert body["status"] in ("ok", "degraded")
