"""Health probes and the Prometheus endpoint, which the public cannot read."""

import re

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_dependencies(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_lists_every_dependency(client):
    body = client.get("/readyz").json()
    assert set(body["checks"]) == {"database", "cache", "broker", "search", "holidays"}
    assert body["status"] in {"ok", "degraded"}


@override_settings(METRICS_ALLOWED_IPS=[], METRICS_TOKEN="")
def test_metrics_are_denied_to_the_public(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert "portal_" not in response.content.decode()


@override_settings(METRICS_ALLOWED_IPS=["127.0.0.1"], METRICS_TOKEN="s3cret-token")
def test_metrics_deny_a_wrong_token(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong")
    assert response.status_code == 403
    assert response["WWW-Authenticate"].startswith("Bearer")


@override_settings(METRICS_ALLOWED_IPS=["127.0.0.1"], METRICS_TOKEN="")
def test_metrics_deny_proxied_requests_even_from_an_allowed_address(client):
    # behind nginx every request comes from nginx's address: that must not open /metrics
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 403


@override_settings(METRICS_ALLOWED_IPS=["10.0.0.0/8"], METRICS_TOKEN="")
def test_metrics_allow_a_direct_connection_from_an_allowed_network(client):
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


@override_settings(METRICS_ALLOWED_IPS=[], METRICS_TOKEN="s3cret-token")
def test_metrics_with_the_token_show_requests_dependencies_and_rows(client, official):
    client.get("/healthz")
    client.get("/no-such-page/")
    response = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert 'portal_http_requests_total{method="GET",status="2xx"}' in text
    assert 'portal_http_requests_total{method="GET",status="4xx"}' in text
    assert 'portal_http_request_duration_seconds_bucket{le="+Inf"}' in text
    assert 'portal_dependency_up{dependency="database"} 1' in text
    rows = re.search(r'portal_rows\{model="cms.OfficialPage"\} (\d+)', text)
    assert rows and int(rows.group(1)) >= 1
