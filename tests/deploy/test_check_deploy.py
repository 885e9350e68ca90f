"""Production settings: `check --deploy` is clean with production variables, and start-up
refuses to run without them."""

import json
import os
import secrets
import subprocess

import pytest

from .conftest import ROOT, VENV_BIN

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "xiaoneng.example.gov.cn",
    "DATABASE_URL": "postgres://portal@db.internal:5432/portal",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/1",
    "ELASTICSEARCH_URL": "http://es.internal:9200",
    "VOTER_HASH_KEY": secrets.token_urlsafe(32),
    "FIELD_ENCRYPTION_KEYS": "bG9jYWwtc2VydmUtcHJvZC1maWVsZC1rZXktMDAwMDA=",
    "RECEIPT_SIGNING_KEY": secrets.token_urlsafe(32),
    "METRICS_TOKEN": secrets.token_urlsafe(24),
}


def _run(args, env):
    # nothing of the test run's own Django environment (e.g. DJANGO_ALLOW_ASYNC_UNSAFE, which
    # the browser tests set) may leak into the production process
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and not k.startswith("DJANGO_")
    }
    base.pop("CAPTCHA_TEST_MODE", None)
    return subprocess.run(
        [str(VENV_BIN / "python"), *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ELASTICSEARCH_URL"])
def test_production_refuses_to_start_and_names_what_is_missing(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert f"missing environment variables: {missing}" in result.stderr


def test_production_turns_on_hsts_secure_cookies_2fa_and_json_logs():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ['SECURE_HSTS_SECONDS', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
        "'STAFF_2FA_REQUIRED', 'LOG_FORMAT', 'METRICS_ALLOWED_IPS', 'DEBUG']}))"
    )
    result = _run(["-c", code], PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SECURE_HSTS_SECONDS": 31536000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "STAFF_2FA_REQUIRED": True,
        "LOG_FORMAT": "json",
        "METRICS_ALLOWED_IPS": [],
        "DEBUG": False,
    }
