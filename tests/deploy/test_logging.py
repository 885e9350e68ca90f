"""JSON log lines carry the request id and never a client address."""

import io
import json
import logging

import pytest
from django.test import RequestFactory

from portal.core.logging import JsonFormatter, RequestIdFilter, logging_config, request_id_var


@pytest.fixture
def json_logger():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("tests.deploy.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def _lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_log_line_is_one_json_object_with_the_request_id(json_logger):
    logger, stream = json_logger
    token = request_id_var.set("req-1234567890")
    try:
        logger.info("案件 %s 已分派", "TS-2026-0001", extra={"case_id": 42})
    finally:
        request_id_var.reset(token)
    (entry,) = _lines(stream)
    assert entry["msg"] == "案件 TS-2026-0001 已分派"
    assert entry["request_id"] == "req-1234567890"
    assert entry["case_id"] == 42
    assert entry["level"] == "INFO" and entry["logger"] == "tests.deploy.json"


def test_the_request_attached_by_django_gives_method_and_path_but_no_address(json_logger):
    logger, stream = json_logger
    request = RequestFactory().post(
        "/complaints/new/?phone=13800000000",
        REMOTE_ADDR="203.0.113.77",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
        HTTP_USER_AGENT="Mozilla/5.0 (iPhone)",
    )
    logger.warning(
        "Forbidden (CSRF token missing.)",
        extra={
            "request": request,
            "status_code": 403,
            "client_ip": "203.0.113.77",
        },
    )
    (entry,) = _lines(stream)
    assert entry["path"] == "/complaints/new/" and entry["method"] == "POST"
    assert entry["status"] == 403
    text = stream.getvalue()
    for secret in ("203.0.113.77", "198.51.100.23", "13800000000", "iPhone"):
        assert secret not in text


def test_exceptions_are_kept_in_the_same_json_line(json_logger):
    logger, stream = json_logger
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed")
    (entry,) = _lines(stream)
    assert "ValueError: boom" in entry["exc"]


def test_log_format_switch_picks_the_json_formatter():
    assert logging_config(fmt="json", level="INFO")["handlers"]["console"]["formatter"] == "json"
    assert logging_config(fmt="plain", level="INFO")["handlers"]["console"]["formatter"] == "plain"


def test_gunicorn_access_log_format_has_no_client_address_or_query():
    from pathlib import Path

    namespace = {}
    conf = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"
    exec(compile(conf.read_text(), str(conf), "exec"), namespace)  # our config
    fmt = namespace["access_log_format"]
    for atom in ("%(h)s", "%(q)s", "%(a)s", "%(f)s", "%(r)s", "{x-forwarded-for}"):
        assert atom not in fmt
    assert namespace["logger_class"] == "portal.core.logging.GunicornJsonLogger"
