"""Redis (the cache role) unreachable: the public site is served uncached, every POST that stores
a citizen's input is accepted and kept, rate limits still refuse within one process, /readyz
says "degraded"; when Redis is back the cache is used again.

The cache is configured exactly as portal/settings/base.py builds it in production (REDIS_URL
set), pointed at a closed port or at a switch in front of the real Redis that the test cuts and
restores (the same address goes away and comes back, as a restarted Redis does)."""

import importlib.util
import logging
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

import portal.settings.base
from complaints.models import Case, Message
from portal.evaluation.models import Rating
from tests.portal.evaluation.conftest import GOOD
from tests.security import conftest as security
from tests.security.test_hostile_input import complaint_data

from .conftest import REDIS_HOST, REDIS_PORT

pytestmark = pytest.mark.django_db

# the security tests' world (a case with its receipt, an official, staff of each role)
world, category, PASSWORD = security.world, security.category, security.PASSWORD

CLOSED_CACHE = "redis://127.0.0.1:1/0"  # nothing listens on port 1
LIVE_DB = 6  # the one Redis database these tests may use


def production_caches(url: str, monkeypatch) -> dict:
    """CACHES as portal/settings/base.py builds them when REDIS_URL is set (production)."""
    monkeypatch.setenv("REDIS_URL", url)
    path = Path(portal.settings.base.__file__)
    spec = importlib.util.spec_from_file_location("portal.settings._redis_probe", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.delenv("REDIS_URL")
    return module.CACHES


@pytest.fixture
def cache_at(settings, monkeypatch):
    """Point the default cache (pages, rate limits, their secret) at a Redis URL."""

    def use(url, **options):
        caches = production_caches(url, monkeypatch)
        caches["default"].setdefault("OPTIONS", {}).update(options)
        caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:8]}"
        settings.CACHES = caches

    return use


def client(address="198.51.100.20"):
    return Client(REMOTE_ADDR=address, raise_request_exception=False)


def _public_urls(w):
    official = w["official_a"]
    return ["/", official.get_parent().url, official.url, "/stats/"]


# --- Redis down -----------------------------------------------------------------------------


def test_public_pages_are_served_uncached_while_the_cache_is_down(world, cache_at):
    cache_at(CLOSED_CACHE)
    browser = client()
    for url in _public_urls(world):
        response = browser.get(url)
        assert response.status_code == 200, (url, response.status_code)
    assert world["official_a"].title in browser.get(world["official_a"].url).content.decode()


def test_readyz_says_degraded_and_names_the_cache(world, cache_at):
    cache_at(CLOSED_CACHE)
    response = client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"].startswith("degraded")
    assert body["checks"]["database"] == "ok"


def test_every_citizen_post_is_stored_while_the_cache_is_down(world, category, cache_at):
    cache_at(CLOSED_CACHE)
    citizen = client("198.51.100.21")

    # a complaint: stored, its receipt shown
    before = Case.objects.count()
    response = citizen.post("/complaints/new/", complaint_data(category))
    assert response.status_code == 302, response.status_code
    assert Case.objects.count() == before + 1
    response = citizen.get(response["Location"])
    receipt = response.context["receipt"]
    assert receipt.number in response.content.decode()

    # a rating: stored
    official = world["official_a"]
    ratings = Rating.objects.filter(official=official).count()
    response = client("198.51.100.22").post(f"/rate/{official.pk}/", GOOD)
    assert response.status_code == 302, response.status_code
    assert Rating.objects.filter(official=official).count() == ratings + 1

    # tracking with number and code opens the case; a message on it is kept
    case, code = world["case"], world["receipt"].code
    tracker = client("198.51.100.23")
    response = tracker.post("/complaints/track/", {"number": case.number, "code": code})
    assert response.status_code == 302, response.status_code
    page = tracker.get("/complaints/track/case/")
    assert page.status_code == 200 and case.number in page.content.decode()
    messages = Message.objects.filter(case=case).count()
    response = tracker.post("/complaints/track/case/message/", {"text": "补充：窗口仍无人。"})
    assert response.status_code == 302, response.status_code
    assert Message.objects.filter(case=case).count() == messages + 1

    # staff sign-in: the session works
    staff = client("198.51.100.24")
    office = world["users"]["office"]
    response = staff.post("/admin/login/", {"username": office.username, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    assert staff.get("/admin/").status_code == 200


def test_rate_limits_still_refuse_within_the_process_while_the_cache_is_down(
    world,
    category,
    cache_at,
    settings,
):
    cache_at(CLOSED_CACHE)
    settings.COMPLAINT_RATE_LIMIT = "3/h"
    settings.SIGN_IN_RATE_LIMIT_USERNAME = "4/h"
    sender = client("198.51.100.30")
    before = Case.objects.count()
    answers = [
        sender.post("/complaints/new/", complaint_data(category)).status_code for _ in range(5)
    ]
    assert answers == [302, 302, 302, 400, 400]
    assert Case.objects.count() == before + 3
    # another client has its own allowance
    assert (
        client("198.51.100.31").post("/complaints/new/", complaint_data(category)).status_code
        == 302
    )

    guesser = client("203.0.113.40")
    office = world["users"]["office"]
    answers = [
        guesser.post("/admin/login/", {"username": office.username, "password": "x"}).status_code
        for _ in range(6)
    ]
    assert answers[:4] == [200] * 4 and answers[4:] == [429, 429]


# --- a slow or vanished Redis, and its return -----------------------------------------------


class Switch:
    """A TCP forwarder on a fixed local port to the real Redis. cut(): the port refuses
    connections; hang(): it accepts them and never answers (a black-holed host); restore():
    it forwards again."""

    def __init__(self):
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.mode, self.accepted, self._listener, self._open = "up", 0, None, []
        self._listen()

    def url(self, db=LIVE_DB):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def _listen(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            self.accepted += 1
            self._open.append(conn)
            if self.mode == "hang":
                continue
            upstream = socket.create_connection((REDIS_HOST, REDIS_PORT))
            self._open.append(upstream)
            for a, b in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _drop(self):
        for s in self._open:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        self._open = []

    def cut(self):
        self.mode = "down"
        try:  # wakes the thread blocked in accept(), which close() alone does not
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        self._drop()

    def hang(self):
        self.mode = "hang"
        self._drop()

    def restore(self):
        if self.mode == "down":
            self._listen()
        self.mode = "up"

    def close(self):
        self.cut()


@pytest.fixture
def switch(need_redis):
    s = Switch()
    yield s
    s.close()


def _in_redis(prefix: str) -> list[bytes]:
    import redis

    live = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=LIVE_DB)
    return list(live.scan_iter(match=f"{prefix}:*", count=1000))


def _clear_redis(prefix: str):
    import redis

    live = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=LIVE_DB)
    keys = list(live.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        live.delete(*keys)


def _live():
    import redis

    return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=LIVE_DB)


def test_the_cache_is_used_again_when_redis_is_back(
    world, category, cache_at, settings, switch, caplog
):
    from django.core.cache import caches

    cache_at(switch.url(), RETRY_SECONDS=0.3)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    stored = f"{prefix}:1:".encode()  # Django's key layout: prefix, version, key
    browser = client()
    try:
        assert browser.get("/stats/").status_code == 200
        assert _in_redis(prefix), "with Redis up, the pages and limits use it"
        caches["default"].set("figure", "old", 300)  # a cached figure, in Redis
        assert _live().exists(stored + b"figure")

        switch.cut()
        with caplog.at_level(logging.WARNING, logger="portal.core.cache"):
            for _ in range(3):
                for url in _public_urls(world):
                    assert browser.get(url).status_code == 200, url
            sent = client("198.51.100.50").post("/complaints/new/", complaint_data(category))
            assert sent.status_code == 302
            caches["default"].delete("figure")  # invalidated while Redis is away
            assert caches["default"].get("figure") is None
        warnings = [r for r in caplog.records if r.name == "portal.core.cache"]
        assert len(warnings) == 1, [r.getMessage() for r in warnings]  # one per outage
        assert client().get("/readyz").json()["status"] == "degraded"
        assert not _live().exists(stored + b"during"), "nothing reached Redis meanwhile"

        switch.restore()
        time.sleep(0.4)  # past the retry interval
        assert browser.get("/stats/").status_code == 200
        caches["default"].set("during", "back", 30)
        assert _live().exists(stored + b"during"), "Redis is back: writes go to it again"
        assert not _live().exists(stored + b"figure"), "the invalidation is not lost"
        assert client().get("/readyz").json()["checks"]["cache"] == "ok"
    finally:
        _clear_redis(prefix)


def test_a_hanging_redis_does_not_hold_every_request(world, cache_at, switch, capsys):
    """A host that accepts and never answers: a request waits the short read timeout at most
    once per retry interval, not on every cache call."""
    cache_at(switch.url())
    browser = client()
    timeout = cache._cache._pool_options.get("socket_timeout") if hasattr(cache, "_cache") else 0
    assert timeout and timeout <= 1, "CACHES sets a short socket timeout"
    switch.hang()
    tried, started = switch.accepted, time.monotonic()
    for _ in range(3):
        for url in _public_urls(world):
            assert browser.get(url).status_code == 200, url
    elapsed = time.monotonic() - started
    # dozens of cache calls, but Redis is tried again only once per retry interval (5 s)
    attempts = switch.accepted - tried
    assert 1 <= attempts <= 2 + elapsed / 5, (attempts, elapsed)
    assert elapsed < 12 + 2 * timeout, elapsed
    with capsys.disabled():
        print(f"\n[faults] hanging Redis: 12 pages in {elapsed:.2f}s, {attempts} connection tried")


def test_metrics_show_the_cache_unreachable_in_this_process(world, cache_at):
    cache_at(CLOSED_CACHE)
    client().get("/")
    body = Client(REMOTE_ADDR="127.0.0.1").get("/metrics").content.decode()
    assert 'portal_cache_reachable{cache="127.0.0.1:1/0"} 0' in body
    assert 'portal_cache_outages_total{cache="127.0.0.1:1/0"}' in body


def test_no_sms_code_is_sent_while_the_cache_is_down(world, cache_at, settings):
    """Each process would keep its own code: the one checking it would mostly not know it."""
    from portal.core import sms

    cache_at(CLOSED_CACHE)
    settings.PHONE_VERIFICATION = True
    sms.outbox.clear()
    official = world["official_a"]
    response = client().post(
        f"/rate/{official.pk}/",
        {**GOOD, "mode": "named", "name": "王五", "phone": "13900139000", "send_code": "1"},
    )
    assert response.status_code < 500
    assert "短信验证暂时无法使用" in response.content.decode()
    assert not sms.outbox
