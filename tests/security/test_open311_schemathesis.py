"""Schemathesis against tests/security/open311_openapi.yaml, calling the Django WSGI app in
process: every generated request to the Open311 API answers without a 5xx."""

from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

SPEC = Path(__file__).with_name("open311_openapi.yaml")
schema = schemathesis.openapi.from_path(SPEC)
schema.app = get_wsgi_application()

pytestmark = pytest.mark.django_db
STATUSES: Counter = Counter()  # (operation, status) over the whole run, printed at the end


@pytest.fixture
def _keep_test_connection():
    """Like Django's test client: the request signals must not close the test's connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def open311_setup(db, category, _keep_test_connection):
    from complaints.open311.clients import open311_client_create

    return {"api_key": open311_client_create(name="schemathesis")[1], "service_code": category.code}


@schema.parametrize()
@settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_open311_never_answers_5xx(case, open311_setup):
    from django.core.cache import cache

    cache.clear()  # rate limits would otherwise answer 429 long before the interesting cases
    if case.method == "POST" and isinstance(case.body, dict):
        # a valid client and service, so the fuzzing reaches intake (the other fields vary)
        case.body["api_key"] = open311_setup["api_key"]
        case.body["service_code"] = open311_setup["service_code"]
        case.body.setdefault("description", "路灯不亮")
        case.body.setdefault("address_string", "人民路1号")
    response = case.call()
    STATUSES[(case.method, case.path, response.status_code)] += 1
    assert response.status_code < 500, (
        case.method,
        case.formatted_path,
        response.status_code,
        response.text[:300],
    )


def test_print_what_schemathesis_tried(capsys):
    with capsys.disabled():
        print(
            f"\n[schemathesis] {sum(STATUSES.values())} Open311 requests, answers: "
            + ", ".join(f"{m} {p} {s}: {n}" for (m, p, s), n in sorted(STATUSES.items()))
        )
