"""Smoke test of the production stack: scripts/serve-prod.sh (gunicorn, Celery worker, Celery
beat, production settings) against the machine's PostgreSQL and Redis, on free ports, with a
database, a Redis key prefix and a queue of its own. Real HTTP, a real broker, real processes."""

import json
import os
import pickle
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
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
    pg_connect,
    pg_reachable,
    redis_reachable,
)

pytestmark = [pytest.mark.postgres, pytest.mark.celery_worker]

REDIS_DB = 14
# generous limits: on an idle machine the stack is ready in ~20 s and tasks run in < 2 s, but
# these machines are shared, and a loaded one must slow the test down, not fail it
STARTUP_WAIT = 300
TASK_WAIT = 90
METRICS_TOKEN = "smoke-" + secrets.token_hex(16)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 comes back as an HTTPError, its cookies read below


def _request(url, *, data=None, cookies=None, timeout=15, follow=True):
    """urllib with a hand-kept cookie: production cookies are Secure, and a cookie jar would
    not send them back over this plain-http loopback connection."""
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        response = exc
    with response:
        jar = dict(cookies or {})
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.read().decode(), jar


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
    template = migrated_template()
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
        # the seeded month-end report and any upload stay in the test's directory
        "MEDIA_ROOT": str(run_dir / "media"),
        "PRIVATE_MEDIA_ROOT": str(run_dir / "private-media"),
        "METRICS_TOKEN": METRICS_TOKEN,
        "OPS_HEARTBEAT_SECONDS": "2",
        "WEB_CONCURRENCY": "2",
        "CELERY_CONCURRENCY": "2",
        "SEED_DEMO": "1",
        "DEMO_UNITS": "2",
        "DEMO_OFFICIALS": "4",
        "DEMO_MONITORS": "1",
        "PYTHONUNBUFFERED": "1",
        # the worker's notices land as files we can read (EMAIL_FILE_PATH)
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(run_dir / "mail"),
    }
    env.pop("ELASTICSEARCH_URL", None)
    db_create(dbname, template=template)
    out = open(run_dir / "stdout.log", "w")  # closed in teardown
    err = open(run_dir / "stderr.log", "w")
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
        "dbname": dbname,
        "prefix": prefix,
        "redis_url": redis_url,
        "run_dir": run_dir,
        "proc": proc,
        "started": time.monotonic(),
    }
    try:
        deadline = time.monotonic() + STARTUP_WAIT
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
                pytest.fail(f"stack not ready in {STARTUP_WAIT} s:\n" + _tail(run_dir))
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
    return pickle.loads(raw) if raw is not None else None  # our own cache


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


def _ping(stack):
    """Send ops_ping_task through the broker from this process; return what the worker wrote."""
    from celery import Celery

    token = secrets.token_hex(8)
    client = Celery("smoke-client", set_as_current=False)  # never the tests' current_app
    # an explicit connection: Celery would prefer a CELERY_BROKER_URL from the environment
    with client.connection_for_write(stack["redis_url"]) as connection:
        client.send_task(
            "portal.ops_tasks.ops_ping_task",
            kwargs={"token": token},
            queue=stack["queue"],
            connection=connection,
        )
    deadline = time.monotonic() + TASK_WAIT
    result = None
    while result is None and time.monotonic() < deadline:
        result = _cache_get(stack, f"ops:ping:{token}")
        time.sleep(0.2)
    return result


def test_the_worker_carries_out_a_task_sent_through_the_real_broker(stack):
    result = _ping(stack)
    assert result is not None, "the worker did not run the task:\n" + _tail(stack["run_dir"])
    assert result["pid"] != os.getpid()


def test_the_worker_indexes_the_seeded_officials_for_site_search(stack):
    # seed_demo ran with production settings: each saved profile queued an indexing task,
    # which the worker ran through Redis; /search/ then finds the official by name
    with pg_connect(stack["dbname"]) as conn:
        name, path = conn.execute(
            "SELECT p.title, p.url_path FROM wagtailcore_page p "
            "JOIN cms_officialpage o ON o.page_ptr_id = p.id ORDER BY p.id LIMIT 1"
        ).fetchone()
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    query = urllib.parse.urlencode({"q": name})
    deadline = time.monotonic() + TASK_WAIT
    found = False
    while not found and time.monotonic() < deadline:
        status, _, body = _get(f"{stack['base']}/search/?{query}")
        found = status == 200 and f"/{slug}/" in body
        if not found:
            time.sleep(0.5)
    assert found, f"{name} not found by /search/:\n" + _tail(stack["run_dir"])


def test_beat_schedules_the_heartbeat_and_the_worker_runs_it(stack):
    # the cache prefix is new to this stack, so any heartbeat found was run by it
    deadline = time.monotonic() + TASK_WAIT
    beat = None
    while beat is None and time.monotonic() < deadline:
        beat = _cache_get(stack, "ops:beat-heartbeat")
        time.sleep(0.3)
    assert beat, "no heartbeat from beat via the worker:\n" + _tail(stack["run_dir"])
    status, _, body = _get(stack["base"] + "/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert "portal_beat_heartbeat_timestamp_seconds" in body


NAMED_TEXT = "烟台路政务窗口办理营业执照时多次要求补交同一份材料，往返四次仍未办结。"
ANON_TEXT = "匿名反映：某科室工作人员上班时间长期离岗，群众排队无人受理。"
ANON_EMAIL = "anon.watcher@example.org"


def _file_complaint(stack, **fields):
    status, html, jar = _request(stack["base"] + "/complaints/new/")
    assert status == 200, html[:500]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    hashkey = re.search(r'<input[^>]*name="captcha_0"[^>]*>', html).group(0)
    hashkey = re.search(r'value="([^"]+)"', hashkey).group(1)
    select = re.search(r'<select[^>]*name="category"[^>]*>(.*?)</select>', html, re.S).group(1)
    category = re.search(r'<option value="(\d+)"', select).group(1)
    with pg_connect(stack["dbname"]) as conn:
        # the captcha's answer, read from the stack's own database
        (answer,) = conn.execute(
            "SELECT response FROM captcha_captchastore WHERE hashkey = %s", [hashkey]
        ).fetchone()
    data = {
        "csrfmiddlewaretoken": csrf,
        "subject_kind": "general",
        "category": category,
        "captcha_0": hashkey,
        "captcha_1": answer,
        **fields,
    }
    status, html, jar = _request(
        stack["base"] + "/complaints/new/", data=data, cookies=jar, follow=False
    )
    if status != 302:
        return status, html, jar
    # Post/Redirect/Get: the receipt page reads the receipt cookie the 302 set
    return _request(stack["base"] + "/complaints/receipt/", cookies=jar)


def test_a_complaint_filed_over_http_is_notified_by_the_worker(stack):
    status, html, _ = _file_complaint(
        stack,
        anonymous="0",
        text=NAMED_TEXT,
        contact_name="李四",
        contact_email="li.si@example.com",
    )
    assert status == 200, html[:2000]
    number = re.search(r"data-receipt-number>([^<]+)<", html).group(1).strip()
    assert re.search(r"data-receipt-code>[^<]+<", html)
    # the web process committed the case and queued case_notify_task; the worker, through
    # Redis, sends the complainant the "received" notice (file-based e-mail backend)
    mail_dir = stack["run_dir"] / "mail"
    deadline = time.monotonic() + TASK_WAIT
    found = False
    while not found and time.monotonic() < deadline:
        found = mail_dir.exists() and any(
            number in path.read_text(errors="replace") for path in mail_dir.glob("*.log")
        )
        time.sleep(0.3)
    assert found, f"no notice for {number} from the worker:\n" + _tail(stack["run_dir"])
    with pg_connect(stack["dbname"]) as conn:
        assert conn.execute(
            "SELECT count(*) FROM complaints_case WHERE number = %s", [number]
        ).fetchone() == (1,)


def test_an_anonymous_complaint_leaves_no_trace_of_its_author_in_any_log(stack):
    status, html, _ = _file_complaint(
        stack,
        anonymous="1",
        text=ANON_TEXT,
        notify_email=ANON_EMAIL,
    )
    assert status == 200, html[:2000]
    assert _ping(stack), "worker stalled"  # queued after the submission's tasks: they ran
    time.sleep(0.5)
    logs = (stack["run_dir"] / "stdout.log").read_text() + (
        stack["run_dir"] / "stderr.log"
    ).read_text()
    assert "complaints/new/" in logs  # the request was logged ...
    for secret in (ANON_TEXT, ANON_EMAIL):
        assert secret not in logs  # ... without its content or contact (addresses: see below)


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
