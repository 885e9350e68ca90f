"""Smoke test of the production stack: scripts/serve-prod.sh (gunicorn, Celery worker, Celery
beat, production settings) against the machine's PostgreSQL and Redis, on free ports, with a
database, a Redis key prefix and a queue of its own. Real HTTP, a real broker, real processes."""

import json
import os
import pickle
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from .conftest import (
    PG_SERVER,
    REDIS_SERVER,
    ROOT,
    VENV_BIN,
    db_create,
    db_drop,
    in_postgres_half,
    migrated_template,
    pg_reachable,
    redis_reachable,
)

pytestmark = [pytest.mark.postgres, pytest.mark.celery_worker]

REDIS_DB = 14
METRICS_TOKEN = "smoke-" + secrets.token_hex(16)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url, headers=None, timeout=10):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    for reason in (in_postgres_half(), pg_reachable(), redis_reachable()):
        if reason:
            pytest.skip(reason)
    import redis

    tag = secrets.token_hex(4)
    dbname, queue, prefix = f"portal_smoke_{tag}", f"smoke_{tag}", f"smoke_{tag}"
    run_dir = tmp_path_factory.mktemp("serve-prod")
    port = _free_port()
    db_create(dbname, template=migrated_template())
    redis_url = f"{REDIS_SERVER}/{REDIS_DB}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
        "VENV": str(VENV_BIN.parent),
        "PORT": str(port),
        "DATABASE_URL": f"{PG_SERVER}/{dbname}",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_QUEUE": queue,
        "CACHE_KEY_PREFIX": prefix,
        "RUN_DIR": str(run_dir),
        "METRICS_TOKEN": METRICS_TOKEN,
        "OPS_HEARTBEAT_SECONDS": "1",
        "WEB_CONCURRENCY": "2",
        "CELERY_CONCURRENCY": "1",
        "SEED_DEMO": "1",
        "DEMO_UNITS": "2",
        "DEMO_OFFICIALS": "4",
        "DEMO_MONITORS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("ELASTICSEARCH_URL", None)
    out = open(run_dir / "stdout.log", "w")  # noqa: SIM115 - closed in teardown
    err = open(run_dir / "stderr.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        ["bash", "scripts/serve-prod.sh"],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=err,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    info = {
        "base": base,
        "queue": queue,
        "prefix": prefix,
        "redis_url": redis_url,
        "run_dir": run_dir,
        "proc": proc,
        "started": time.monotonic(),
    }
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail("serve-prod.sh exited early:\n" + _tail(run_dir))
            try:
                status, _, _ = _get(base + "/readyz", timeout=2)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("stack not ready in 120 s:\n" + _tail(run_dir))
            time.sleep(0.3)
        info["ready_after"] = time.monotonic() - info["started"]
        yield info
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        out.close()
        err.close()
        db_drop(dbname)
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(f"*{tag}*"))  # cache keys, queue, kombu bindings
        if keys:
            client.delete(*keys)


def _tail(run_dir, lines=60):
    text = ""
    for name in ("stdout.log", "stderr.log"):
        path = run_dir / name
        if path.exists():
            text += f"--- {name}\n" + "\n".join(path.read_text().splitlines()[-lines:]) + "\n"
    return text


def _cache_get(stack, key):
    import redis

    raw = redis.Redis.from_url(stack["redis_url"]).get(f"{stack['prefix']}:1:{key}")
    return pickle.loads(raw) if raw is not None else None  # noqa: S301 - our own cache


def test_stack_is_ready_with_every_dependency(stack):
    status, _, body = _get(stack["base"] + "/readyz")
    checks = json.loads(body)["checks"]
    assert status == 200
    assert checks["database"] == "ok" and checks["cache"] == "ok" and checks["broker"] == "ok"
    assert _get(stack["base"] + "/healthz")[0] == 200


def test_public_pages_are_served_by_gunicorn_with_security_headers(stack):
    status, headers, body = _get(stack["base"] + "/")
    assert status == 200
    assert "script-src 'self';" in headers["Content-Security-Policy"]
    assert headers["X-Request-ID"]
    status, _, body = _get(stack["base"] + "/officials/")
    assert status == 200
    assert "测评对象" in body


def test_metrics_refuse_without_the_token_and_answer_with_it(stack):
    assert _get(stack["base"] + "/metrics")[0] == 403
    status, _, body = _get(stack["base"] + "/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert status == 200
    assert 'portal_dependency_up{dependency="broker"} 1' in body


def test_the_worker_carries_out_a_task_sent_through_the_real_broker(stack):
    from celery import Celery

    token = secrets.token_hex(8)
    client = Celery("smoke-client", broker=stack["redis_url"])
    client.send_task(
        "portal.ops_tasks.ops_ping_task", kwargs={"token": token}, queue=stack["queue"]
    )
    deadline = time.monotonic() + 20
    result = None
    while result is None and time.monotonic() < deadline:
        result = _cache_get(stack, f"ops:ping:{token}")
        time.sleep(0.2)
    assert result is not None, "the worker did not run the task:\n" + _tail(stack["run_dir"])
    assert result["pid"] != os.getpid()


def test_beat_schedules_the_heartbeat_and_the_worker_runs_it(stack):
    # the cache prefix is new to this stack, so any heartbeat found was run by it
    deadline = time.monotonic() + 20
    beat = None
    while beat is None and time.monotonic() < deadline:
        beat = _cache_get(stack, "ops:beat-heartbeat")
        time.sleep(0.3)
    assert beat, "no heartbeat from beat via the worker:\n" + _tail(stack["run_dir"])
    status, _, body = _get(stack["base"] + "/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert "portal_beat_heartbeat_timestamp_seconds" in body


def test_logs_are_json_with_request_ids_and_no_client_address(stack):
    _, headers, _ = _get(stack["base"] + "/healthz", {"X-Request-ID": "smoke-req-0001"})
    assert headers["X-Request-ID"] == "smoke-req-0001"
    time.sleep(0.5)
    lines = [
        json.loads(line)
        for line in (stack["run_dir"] / "stdout.log").read_text().splitlines()
        + (stack["run_dir"] / "stderr.log").read_text().splitlines()
        if line.startswith("{")
    ]
    access = [entry for entry in lines if entry.get("logger") == "gunicorn.access"]
    assert any(entry["request_id"] == "smoke-req-0001" for entry in access)
    for entry in access:
        assert set(entry) == {
            "ts",
            "level",
            "logger",
            "method",
            "path",
            "status",
            "bytes",
            "duration_ms",
            "request_id",
        }
    assert "127.0.0.1" not in json.dumps(access)
    assert any(entry.get("logger", "").startswith("celery") for entry in lines)
