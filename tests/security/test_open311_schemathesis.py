"""Schemathesis against tests/security/open311_openapi.yaml, calling the Django WSGI app in
process: every generated request to the Open311 API answers without a 5xx, and every 200 of
the public read side (GET requests, requests/<id>) matches the described public row — no text
before publication, never a location (issue 14)."""

from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import response_schema_conformance

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
    from decimal import Decimal

    from complaints.choices import CaseSource
    from complaints.open311.clients import open311_client_create
    from complaints.services import case_submit

    # one request already there (each operation is its own test, rolled back), so the read
    # side's answers have a row to check against the schema
    case_submit(
        category=category,
        text="路灯不亮，请回电13700001111。",
        source=CaseSource.OPEN311,
        latitude=Decimal("27.123456"),
        longitude=Decimal("116.654321"),
        address_string="人民路18号",
        with_receipt=False,
    )
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
    if case.method == "GET" and "/requests" in case.path and response.status_code == 200:
        case.validate_response(response, checks=[response_schema_conformance])


def test_print_what_schemathesis_tried(capsys):
    with capsys.disabled():
        print(
            f"\n[schemathesis] {sum(STATUSES.values())} Open311 requests, answers: "
            + ", ".join(f"{m} {p} {s}: {n}" for (m, p, s), n in sorted(STATUSES.items()))
        )
