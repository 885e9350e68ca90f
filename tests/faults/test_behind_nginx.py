"""The production topology: the real deploy/nginx.conf (TLS, proxy headers) in front of
gunicorn with production settings, over real HTTP from distinct client addresses.

Attack and fault: behind nginx every request reaches gunicorn from nginx's address. If the app
keyed its limits on that address, one client using up a limit would lock out everyone (issue 15:
31 junk staff sign-ins lock the whole office out); if it believed X-Forwarded-For from anyone,
a client would pick its own bucket by sending the header. Here clients bind their socket to
different loopback addresses (all of 127/8 is loopback), in different /24s because the staff
sign-in limit counts per network, and the limit is lowered to 3 attempts through the
environment (portal/settings/rules.py reads SIGN_IN_RATE_LIMIT_NETWORK).

gunicorn trusts nginx's address only (TRUSTED_PROXIES=127.0.0.1). A second stack with
TRUSTED_PROXIES unset shows what the setting prevents (one shared bucket), and a third with a
trust list that also covers clients (as a broad private-range default would for intranet users)
shows that nginx itself must not pass on what the client wrote in X-Forwarded-For.

Skipped, with the reason, without nginx (nginx-light, Makefile SYSTEM_PACKAGES), PostgreSQL or
Redis; runs in the PostgreSQL half of `make test` like the serve-prod smoke stack.
"""

import importlib.util
import ipaddress
import os
import re
import secrets
import signal
import subprocess
import time
import urllib.parse

import pytest

from tests.deploy.conftest import (
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

_spec = importlib.util.spec_from_file_location("nginx_front", ROOT / "bench" / "nginx_front.py")
nginx_front = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nginx_front)

REDIS_DB = 5
STARTUP_WAIT = 180  # a loaded shared machine slows the start down; it must not fail it
LIMIT = 3  # sign-in attempts per client network per hour, for these stacks only
NGINX = "127.0.0.1"  # nginx connects to gunicorn from here (upstream 127.0.0.1:port)
CLIENT_A, CLIENT_B = "127.0.1.2", "127.0.2.3"


def _skip_reason() -> str:
    if not nginx_front.nginx_binary():
        return "nginx is not installed (Debian package nginx-light: `make browser-deps` as root)"
    return in_postgres_half() or pg_reachable() or redis_reachable()


def _gunicorn_env(*, port, dbname, prefix, trusted, nginx_port, run_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.pop("ELASTICSEARCH_URL", None)
    redis_url = f"{REDIS_SERVER}/{REDIS_DB}"
    env.update(
        # the values scripts/serve-prod.sh sets, with this stack's own database and prefix
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        DATABASE_URL=f"{PG_SERVER}/{dbname}",
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_QUEUE=prefix,
        CACHE_KEY_PREFIX=prefix,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECRET_KEY="behind-nginx-test-only-" + secrets.token_hex(16),
        VOTER_HASH_KEY="behind-nginx-voter-" + secrets.token_hex(8),
        RECEIPT_SIGNING_KEY="behind-nginx-receipt-" + secrets.token_hex(8),
        FIELD_ENCRYPTION_KEYS="YmVoaW5kLW5naW54LXRlc3QtZmllbGQta2V5LTAwMDA=",
        SEARCH_DATABASE_ONLY="1",
        SERVE_FILES="1",
        # the direct client speaks plain http to gunicorn, as anyone reaching its port would
        SECURE_SSL_REDIRECT="0",
        MEDIA_ROOT=str(run_dir / "media"),
        PRIVATE_MEDIA_ROOT=str(run_dir / "private-media"),
        WEB_CONCURRENCY="1",
        PYTHONUNBUFFERED="1",
        # nginx passes Host without the port ($host); a browser's Origin names the test port
        CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{nginx_port}",
        TRUSTED_PROXIES=trusted,
        SIGN_IN_RATE_LIMIT_NETWORK=f"{LIMIT}/h",
        SIGN_IN_RATE_LIMIT_USERNAME="1000/h",
    )
    return env


class Stack:
    """gunicorn (production settings) on a free port and nginx in front of it."""

    def __init__(self, *, dbname, trusted, run_dir):
        self.tag = secrets.token_hex(4)
        self.prefix = f"nginxtest_{self.tag}"
        self.port = nginx_front.free_port()
        self.run_dir = run_dir
        self.nginx = None
        nginx_port = nginx_front.free_port()  # reserved for nginx's https server below
        self.out = open(run_dir / "gunicorn.log", "w")  # closed in stop()
        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
                "portal.wsgi:application",
            ],
            cwd=ROOT,
            env=_gunicorn_env(
                port=self.port,
                dbname=dbname,
                prefix=self.prefix,
                trusted=trusted,
                nginx_port=nginx_port,
                run_dir=run_dir,
            ),
            stdout=self.out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready()
            self.nginx = nginx_front.Nginx(self.port, https_port=nginx_port)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self):
        deadline = time.monotonic() + STARTUP_WAIT
        while True:
            if self.proc.poll() is not None:
                pytest.fail("gunicorn exited early:\n" + self.tail())
            try:
                if _send(self.port, "GET", "/healthz", tls=False, timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn not ready in {STARTUP_WAIT} s:\n" + self.tail())
            time.sleep(0.3)

    def tail(self) -> str:
        text = (self.run_dir / "gunicorn.log").read_text(errors="replace")[-3000:]
        return text + (self.nginx.log() if self.nginx else "")

    def stop(self):
        if self.nginx:
            self.nginx.stop()
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.out.close()
        import redis

        client = redis.Redis.from_url(f"{REDIS_SERVER}/{REDIS_DB}")
        keys = list(client.scan_iter(f"*{self.tag}*"))
        if keys:
            client.delete(*keys)

    # --- the clients ---------------------------------------------------------------------

    def via_nginx(self, source, username, forwarded=None):
        return _sign_in(self.nginx.https_port, source, username, tls=True, forwarded=forwarded)

    def direct(self, source, username, forwarded=None):
        return _sign_in(self.port, source, username, tls=False, forwarded=forwarded)


def _send(port, method, path, *, source="127.0.0.1", tls, headers=None, body=None, timeout=30):
    conn = nginx_front.connection(port, source=source, tls=tls, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read().decode(errors="replace")
    finally:
        conn.close()


def _sign_in(port, source, username, *, tls, forwarded):
    """A staff sign-in with a wrong password from `source`, as a browser sends it (the form's
    CSRF cookie and token); `forwarded` is an X-Forwarded-For the client itself writes.
    Returns the status of the POST."""
    extra = {"X-Forwarded-For": forwarded} if forwarded else {}
    status, headers, html = _send(port, "GET", "/admin/login/", source=source, tls=tls)
    assert status == 200, html[:500]
    cookies = "; ".join(
        value.split(";", 1)[0] for name, value in headers if name.lower() == "set-cookie"
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": "wrong-" + username}
    )
    post_headers = {
        "Cookie": cookies,
        "Content-Type": "application/x-www-form-urlencoded",
        **extra,
    }
    if tls:
        post_headers["Origin"] = f"https://127.0.0.1:{port}"
    status, _, html = _send(
        port, "POST", "/admin/login/", source=source, tls=tls, headers=post_headers, body=body
    )
    if status != 429:
        # not throttled: the password was checked and refused (the form again), never a 5xx
        assert status == 200 and 'name="username"' in html, (status, html[:1000])
    return status


def _use_up(sign_in, count=LIMIT):
    """`count` refused attempts that the limit still admits; each with its own username, so
    only the per-network limit can stop them."""
    return [sign_in(f"staff{secrets.token_hex(3)}") for _ in range(count)]


@pytest.fixture(scope="module")
def database():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    dbname = f"portal_nginx_{secrets.token_hex(4)}"
    db_create(dbname, template=migrated_template())
    yield dbname
    db_drop(dbname)


@pytest.fixture(scope="module")
def make_stack(database, tmp_path_factory):
    stacks = []

    def make(trusted):
        stack = Stack(
            dbname=database, trusted=trusted, run_dir=tmp_path_factory.mktemp("behind-nginx")
        )
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop()


@pytest.fixture(scope="module")
def stack(make_stack):
    return make_stack(NGINX)


@pytest.mark.postgres
def test_two_clients_behind_nginx_get_separate_sign_in_limits(stack):
    assert _use_up(lambda user: stack.via_nginx(CLIENT_A, user)) == [200] * LIMIT
    assert stack.via_nginx(CLIENT_A, "staffa") == 429  # A has used up its network's allowance
    # B comes through the same nginx, so gunicorn sees the same peer address: not A's bucket
    assert stack.via_nginx(CLIENT_B, "staffb") == 200


@pytest.mark.postgres
def test_a_spoofed_forwarded_for_sent_to_nginx_does_not_escape_the_clients_bucket(stack):
    spoofer, bystander = "127.0.3.4", "127.0.4.5"
    # the spoofer names a fresh address each time, and at last the exhausted A and the fresh B
    statuses = [
        stack.via_nginx(spoofer, f"s{n}", forwarded=f"198.51.{n}.7, 127.0.0.1")
        for n in range(LIMIT)
    ]
    assert statuses == [200] * LIMIT
    assert stack.via_nginx(spoofer, "s-b", forwarded=CLIENT_B) == 429
    assert stack.via_nginx(spoofer, "s-fresh", forwarded="203.0.113.77") == 429
    # naming a client that is locked out does not put another client in its bucket either
    _use_up(lambda user: stack.via_nginx("127.0.5.6", user))
    assert stack.via_nginx("127.0.5.6", "locked") == 429
    assert stack.via_nginx(bystander, "by", forwarded="127.0.5.6") == 200


@pytest.mark.postgres
def test_a_client_reaching_gunicorn_directly_cannot_choose_its_bucket(stack):
    locked, direct = "127.0.6.7", "127.0.7.8"
    _use_up(lambda user: stack.via_nginx(locked, user))
    assert stack.via_nginx(locked, "locked") == 429
    # straight to gunicorn's port from an untrusted address: X-Forwarded-For is not believed,
    # so naming the locked-out client gets neither that client's bucket ...
    assert stack.direct(direct, "d0", forwarded=locked) == 200
    # ... nor a fresh one: its own bucket fills and stays full whatever it names
    statuses = [
        stack.direct(direct, f"d{n}", forwarded=f"192.0.2.{n}") for n in range(1, LIMIT + 1)
    ]
    assert statuses == [200] * (LIMIT - 1) + [429]
    assert stack.direct(direct, "d-next", forwarded="127.0.8.9") == 429


@pytest.mark.postgres
def test_without_trusted_proxies_every_client_behind_nginx_shares_one_bucket(make_stack):
    # what TRUSTED_PROXIES prevents (and what the tests above fail with when it is unset):
    # gunicorn sees nginx's address for everyone, so A's attempts lock B out too
    shared = make_stack("")
    _use_up(lambda user: shared.via_nginx(CLIENT_A, user))
    assert shared.via_nginx(CLIENT_B, "staffb") == 429


@pytest.mark.postgres
def test_a_trust_list_covering_clients_still_gives_a_spoofer_no_fresh_bucket(make_stack):
    # A trust list wider than nginx (a private-range default such as 10.0.0.0/8 also covers
    # intranet users) must not let such a client choose its bucket: nginx writes only the
    # address it saw into X-Forwarded-For, never the client's own header, so there is
    # nothing to the left of it for the app to walk into.
    broad = make_stack("127.0.0.0/8")
    spoofer = "127.0.9.10"
    statuses = [
        broad.via_nginx(spoofer, f"s{n}", forwarded=f"198.51.{n}.7") for n in range(LIMIT + 2)
    ]
    assert statuses[-1] == 429


def test_compose_trusts_nginx_s_fixed_address_only():
    # the live tests above hold for TRUSTED_PROXIES = nginx's address; compose must set exactly
    # that, whatever deploy/.env (a copy of env.example: the host's 127.0.0.1) says
    import yaml

    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    nginx = compose["services"]["nginx"]["networks"]["default"]["ipv4_address"]
    subnet = compose["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(nginx) in ipaddress.ip_network(subnet)
    for name in ("web", "worker", "beat", "migrate"):
        assert compose["services"][name]["environment"]["TRUSTED_PROXIES"] == nginx
