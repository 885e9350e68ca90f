"""The deployment files agree with the settings and keep their privacy promises."""

import re
import subprocess

import pytest
from django.conf import settings

from .conftest import ROOT

DEPLOY = ROOT / "deploy"


def _nginx():
    return (DEPLOY / "nginx.conf").read_text()


def _size(value):
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", value.lower()).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]


def test_nginx_upload_limit_admits_a_complaint_with_every_attachment_at_full_size():
    limit = _size(re.search(r"client_max_body_size\s+(\w+);", _nginx()).group(1))
    attachments = settings.COMPLAINT_MAX_ATTACHMENTS * settings.COMPLAINT_MAX_ATTACHMENT_BYTES
    assert attachments < limit <= attachments * 2


def test_nginx_access_log_records_no_client_address_query_or_agent():
    log_format = re.search(r"log_format portal_json[^;]+;", _nginx(), re.S).group(0)
    for variable in (
        "$remote_addr",
        "$binary_remote_addr",
        "$http_x_forwarded_for",
        "$args",
        "$query_string",
        "$request_uri",
        "$request ",
        "$http_user_agent",
        "$http_referer",
    ):
        assert variable not in log_format
    assert "$request_id" in log_format
    assert re.search(r"^access_log \S+ portal_json;", _nginx(), re.M)


def test_nginx_terminates_tls_and_hides_metrics():
    conf = _nginx()
    assert re.search(r"listen 443 ssl", conf)
    assert "ssl_certificate " in conf and "TLSv1.3" in conf
    assert re.search(r"location = /metrics \{ return 404; \}", conf)
    assert "proxy_set_header X-Request-ID $request_id;" in conf


def test_compose_runs_every_service_of_the_stack():
    compose = (DEPLOY / "compose.yaml").read_text()
    services = compose.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    names = set(re.findall(r"^  ([a-z-]+):$", services, re.M))
    assert {"db", "redis", "elasticsearch", "migrate", "web", "worker", "beat", "nginx"} <= names
    assert "portal.settings.production" in compose


def test_elasticsearch_image_has_the_chinese_analyzer():
    dockerfile = (DEPLOY / "elasticsearch" / "Dockerfile").read_text()
    assert re.search(r"ARG ES_VERSION=8\.", dockerfile)
    assert "elasticsearch-plugin install --batch analysis-smartcn" in dockerfile


@pytest.mark.parametrize("unit", ["portal-web", "portal-worker", "portal-beat"])
def test_systemd_units_run_with_production_settings(unit):
    text = (DEPLOY / "systemd" / f"{unit}.service").read_text()
    assert "EnvironmentFile=/etc/portal/portal.env" in text
    assert "DJANGO_SETTINGS_MODULE=portal.settings.production" in text
    assert re.search(r"^ExecStart=", text, re.M)


@pytest.mark.parametrize("script", ["serve-prod.sh", "backup.sh", "restore.sh"])
def test_shell_scripts_parse(script):
    result = subprocess.run(["bash", "-n", str(ROOT / "scripts" / script)], capture_output=True)
    assert result.returncode == 0, result.stderr


def test_nginx_never_serves_private_media_and_refuses_the_old_confidential_paths():
    conf = _nginx()
    aliases = re.findall(r"^\s*(?:alias|root)\s+([^;]+);", conf, flags=re.M)
    assert aliases and not any("private" in a for a in aliases)
    for old in ("/media/reports/", "/media/warnings/"):
        assert re.search(rf"location \^~ {re.escape(old)} \{{ return 404; \}}", conf)
