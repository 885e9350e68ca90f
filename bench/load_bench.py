"""Mixed load on the real stack, then a count that nothing was lost or duplicated.

    .venv/bin/python bench/load_bench.py                  # 30 s, 16 client threads
    .venv/bin/python bench/load_bench.py --seconds 60 --threads 32
    .venv/bin/python bench/load_bench.py --through-nginx   # production topology and limits

Loopback only. Makes a fresh PostgreSQL database `portal_bench_load` (BENCH_DB; dropped at the
end unless --keep), migrates it and seeds a small demo (DEMO_UNITS=10, DEMO_OFFICIALS=100), then
starts gunicorn (2 workers, production settings, deploy/gunicorn.conf.py) and one Celery worker
on a queue of its own, with Redis database 12 (BENCH_REDIS_URL; flushed) as cache, rate-limit
store and broker. The bench server alone runs with CAPTCHA_TEST_MODE=1 and (bare) rate limits
raised, so every request is real work.

Client threads (stdlib http.client, keep-alive) pick at random:
  profile    GET  /officials/<slug>/                                  45 %
  search     GET  /search/?q=<word> or /results/?q=<word>             20 %
  rating     POST /rate/<id>/  (new device each time = a new voter)   20 %
  complaint  POST /complaints/new/                                    15 %
and the script prints requests/s, p50/p95/p99, errors and rate-limit refusals per kind; then it
checks that every accepted rating (302) and complaint (201, its tracking number read from the
receipt) is in the database exactly once. "Limited" counts answers refused for the rate limit
(429, or the form again with 400 and the "too frequent" message), apart from errors.

--through-nginx puts the real deploy/nginx.conf (TLS, proxy headers; bench/nginx_front.py) in
front of gunicorn, which trusts nginx's address only (TRUSTED_PROXIES=127.0.0.1), and gives
each client thread an address of its own (127.1.x.y: the socket is bound to it, so nginx writes
it into X-Forwarded-For). The rate limits are then production's (raised again with
--raised-limits): a thread that files more than COMPLAINT_RATE_LIMIT complaints an hour gets
refused, as one citizen would, and the other threads are not.
"""

import argparse
import http.client
import ipaddress
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

import nginx_front  # bench/nginx_front.py (this script's directory is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
DB_NAME = os.environ.get("BENCH_DB", "portal_bench_load")
PG = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")  # flushed
QUEUE = "bench-load"
WORDS = ["窗口", "办事", "效率", "态度", "推诿", "排队", "审批", "服务"]
# the forms answer a client over its limit with the form again (400) and this message
RATE_REFUSAL = "过于频繁".encode()
MIX = [("profile", 45), ("search", 20), ("rating", 20), ("complaint", 15)]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument(
        "--through-nginx",
        action="store_true",
        help="deploy/nginx.conf in front, one client address per thread, production limits",
    )
    p.add_argument("--raised-limits", action="store_true", help="with --through-nginx")
    p.add_argument(
        "--trusted-proxies",
        default="127.0.0.1",
        help="gunicorn's TRUSTED_PROXIES (default nginx's address; '' shows one shared bucket)",
    )
    return p.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(port: int, *, limits=False, origin="", trusted="127.0.0.1") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DATABASE_URL=f"{PG}/{DB_NAME}",
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_QUEUE=QUEUE,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECRET_KEY="bench-load-only-7c1e9a3f5b2d4e6a8c0f1b3d5e7a9c2e4f6a8b0d",
        VOTER_HASH_KEY="bench-load-voter-key-2b4d6f8a0c1e3a5c",
        RECEIPT_SIGNING_KEY="bench-load-receipt-key-9e8d7c6b5a4f",
        FIELD_ENCRYPTION_KEYS="YmVuY2gtbG9hZC1maWVsZC1rZXktMDAwMDAwMDAwMDA=",
        SEARCH_DATABASE_ONLY="1",
        SERVE_FILES="1",
        SECURE_SSL_REDIRECT="0",
        STAFF_2FA_REQUIRED="0",
        CAPTCHA_TEST_MODE="1",
        TRUSTED_PROXIES=trusted,  # nginx, when in front; a bare client sends no header
        CSRF_TRUSTED_ORIGINS=origin,
        CONN_MAX_AGE="600",
        WEB_CONCURRENCY="2",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        LOG_LEVEL="WARNING",
        DEMO_UNITS="10",
        DEMO_OFFICIALS="100",
        DEMO_MONITORS="5",
        PYTHONPATH=str(ROOT),
    )
    if not limits:
        for name in ("RATING", "RATING_VOTER", "COMPLAINT", "TRACK"):
            env[f"{name}_RATE_LIMIT"] = "100000000/h"
    return env


def psql(sql: str):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def run(cmd, env, **kw):
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kw)


def redis_flush():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


# --- the client side -------------------------------------------------------------------------


class Target:
    """Where the clients connect: gunicorn itself, or nginx's https server in front of it."""

    def __init__(self, port, tls=False):
        self.port, self.tls = port, tls
        self.origin = f"{'https' if tls else 'http'}://127.0.0.1:{port}"

    def connect(self, source):
        return nginx_front.connection(self.port, source=source, tls=self.tls)


def client_address(index: int, target: Target) -> str:
    """Thread `index`'s own address behind nginx (127.1.0.0/16); bare: every thread 127.0.0.1."""
    if not target.tls:
        return "127.0.0.1"
    return str(ipaddress.ip_address("127.1.0.2") + index)


class Visitor:
    """One keep-alive connection with its own CSRF cookie (no device cookie: a new voter)."""

    def __init__(self, target, source="127.0.0.1"):
        self.target, self.source = target, source
        self.conn = target.connect(source)
        self.csrf = ""

    def request(self, method, path, body=None):
        headers = {"Host": "127.0.0.1", "User-Agent": "load-bench"}
        if self.csrf:
            headers["Cookie"] = f"csrftoken={self.csrf}"
        if body is not None:
            body = urllib.parse.urlencode({**body, "csrfmiddlewaretoken": self.csrf})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"{self.target.origin}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = self.target.connect(self.source)
            raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.csrf = value.split(";", 1)[0].split("=", 1)[1]
        return response.status, data


def warm_up(target):
    v = Visitor(target)
    status, html = v.request("GET", "/officials/")
    assert status == 200, f"/officials/ answered {status}"
    slugs = sorted(set(re.findall(r'href="(/officials/[^/"?#]+/)"', html.decode())))
    targets, levels = [], set()
    for slug in slugs[:30]:
        status, page = v.request("GET", slug)
        m = re.search(r'action="/rate/(\d+)/"', page.decode())
        if status == 200 and m:
            targets.append((slug, int(m.group(1))))
            levels.update(re.findall(r'name="level" value="(\d+)"', page.decode()))
    status, form = v.request("GET", "/complaints/new/")
    categories = re.findall(r'<option value="(\d+)"', form.decode().split('name="category"', 1)[-1])
    assert targets, "no official profile with a rating form"
    assert categories, "no complaint category"
    assert levels, "no rating levels on the profile form"
    return targets, categories, sorted(levels)


def drive(target, seconds, threads, targets, categories, levels):
    results = defaultdict(list)  # kind -> [(status, seconds)]
    accepted = {"rating": 0, "complaint_numbers": []}
    errors = defaultdict(int)
    limited = defaultdict(int)  # a client over its rate limit (production limits only)
    lock = threading.Lock()
    kinds = [k for k, w in MIX for _ in range(w)]
    stop_at = time.monotonic() + seconds

    def worker(seed):
        rnd = random.Random(seed)
        v = Visitor(target, client_address(seed, target))
        try:
            v.request("GET", "/complaints/new/")  # a CSRF cookie
        except OSError:
            pass
        while time.monotonic() < stop_at:
            kind = rnd.choice(kinds)
            slug, official_id = rnd.choice(targets)
            started = time.perf_counter()
            try:
                if kind == "profile":
                    status, body = v.request("GET", slug)
                elif kind == "search":
                    word = urllib.parse.quote(rnd.choice(WORDS))
                    path = rnd.choice(["/search/?q=", "/results/?q="]) + word
                    status, body = v.request("GET", path)
                elif kind == "rating":
                    status, body = v.request(
                        "POST",
                        f"/rate/{official_id}/",
                        {
                            "level": rnd.choice(levels),
                            "attitude": rnd.randint(1, 5),
                            "efficiency": rnd.randint(1, 5),
                            "style": rnd.randint(1, 5),
                            "reason": "办事拖拉，多次跑腿",
                            "mode": "anonymous",
                            "captcha_0": "x",
                            "captcha_1": "PASSED",
                        },
                    )
                else:
                    status, body = v.request(
                        "POST",
                        "/complaints/new/",
                        {
                            "anonymous": "1",
                            "subject_kind": "general",
                            "category": rnd.choice(categories),
                            "title": "",
                            "text": f"压测投诉：窗口排队{rnd.randint(1, 10**9)}号，办事效率低。",
                            "captcha_0": "x",
                            "captcha_1": "PASSED",
                        },
                    )
            except (OSError, http.client.HTTPException):
                status, body = 0, b""
            elapsed = time.perf_counter() - started
            ok = {"profile": (200,), "search": (200,), "rating": (302,), "complaint": (201,)}[kind]
            with lock:
                results[kind].append((status, elapsed))
                if status == 429 or (status == 400 and RATE_REFUSAL in body):
                    limited[kind] += 1
                elif status not in ok:
                    errors[(kind, status)] += 1
                elif kind == "rating":
                    accepted["rating"] += 1
                elif kind == "complaint":
                    m = re.search(rb"TS\d{8}-\d{4,}", body)
                    accepted["complaint_numbers"].append(m.group(0).decode() if m else None)

    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    started = time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join(seconds + 60)
    return results, accepted, errors, limited, time.monotonic() - started


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(results, errors, limited, wall):
    total = sum(len(v) for v in results.values())
    print(
        f"\n{total} requests in {wall:.1f} s = {total / wall:.0f} req/s "
        f"(errors: {sum(errors.values())}, rate-limited: {sum(limited.values())})"
    )
    print(
        f"{'kind':<10}{'n':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'limited':>8}"
    )
    for kind, _ in MIX:
        times = [t * 1000 for _, t in results[kind]]
        n_err = sum(c for (k, _), c in errors.items() if k == kind)
        print(
            f"{kind:<10}{len(times):>7}{len(times) / wall:>8.0f}{pct(times, 50):>9.0f}"
            f"{pct(times, 95):>9.0f}{pct(times, 99):>9.0f}{n_err:>8}{limited[kind]:>8}"
        )
    for (kind, status), count in sorted(errors.items()):
        print(f"  error {kind} HTTP {status or 'connection'}: {count}")
    if results:
        all_ms = [t * 1000 for v in results.values() for _, t in v]
        print(
            f"all: p50 {statistics.median(all_ms):.0f} ms, p95 {pct(all_ms, 95):.0f} ms, "
            f"p99 {pct(all_ms, 99):.0f} ms"
        )


def verify(before, accepted, env):
    """Every accepted write is in the database exactly once."""
    os.environ.update({k: env[k] for k in ("DATABASE_URL",)})
    import psycopg

    with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
        ratings = conn.execute("SELECT count(*) FROM evaluation_rating").fetchone()[0]
        cases = conn.execute("SELECT count(*) FROM complaints_case").fetchone()[0]
        numbers = [n for n in accepted["complaint_numbers"] if n]
        rows = dict(
            conn.execute(
                "SELECT number, count(*) FROM complaints_case WHERE number = ANY(%s) GROUP BY number",
                [numbers],
            ).fetchall()
        )
    new_ratings, new_cases = ratings - before["ratings"], cases - before["cases"]
    missing = [n for n in numbers if rows.get(n, 0) == 0]
    doubled = [n for n, c in rows.items() if c > 1]
    unread = len(accepted["complaint_numbers"]) - len(numbers)
    print(
        f"\nratings: {accepted['rating']} accepted, {new_ratings} new rows "
        f"({'OK' if new_ratings == accepted['rating'] else 'MISMATCH'})"
    )
    print(
        f"complaints: {len(accepted['complaint_numbers'])} accepted, {new_cases} new rows, "
        f"{len(missing)} receipts missing, {len(doubled)} duplicated, "
        f"{unread} receipts without a number "
        f"({'OK' if new_cases == len(accepted['complaint_numbers']) and not missing and not doubled and not unread else 'MISMATCH'})"
    )
    return (
        new_ratings == accepted["rating"]
        and new_cases == len(accepted["complaint_numbers"])
        and not missing
        and not doubled
        and not unread
    )


def counts():
    import psycopg

    with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
        return {
            "ratings": conn.execute("SELECT count(*) FROM evaluation_rating").fetchone()[0],
            "cases": conn.execute("SELECT count(*) FROM complaints_case").fetchone()[0],
        }


def wait_http(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz")


def main():
    args = parse_args()
    port = free_port()
    nginx_port = free_port() if args.through_nginx else 0
    env = server_env(
        port,
        limits=args.through_nginx and not args.raised_limits,
        origin=f"https://127.0.0.1:{nginx_port}" if nginx_port else "",
        trusted=args.trusted_proxies,
    )
    procs = []
    nginx = None
    ok = False
    try:
        print(f"database {DB_NAME}: create, migrate, seed (10 units, 100 officials)", flush=True)
        psql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{DB_NAME}"')
        redis_flush()
        py = str(VENV_BIN / "python")
        run([py, "manage.py", "migrate", "--noinput", "-v0"], env)
        run(
            [py, "manage.py", "seed_demo"],
            env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        procs.append(
            subprocess.Popen(
                [
                    str(VENV_BIN / "gunicorn"),
                    "-c",
                    "deploy/gunicorn.conf.py",
                    "portal.wsgi:application",
                ],
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        procs.append(
            subprocess.Popen(
                [
                    str(VENV_BIN / "celery"),
                    "-A",
                    "portal",
                    "worker",
                    "-Q",
                    QUEUE,
                    "-c",
                    "1",
                    "-n",
                    f"bench-{port}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "-l",
                    "WARNING",
                ],
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_http(port)
        target = Target(port)
        front = "bare gunicorn, one client address, limits raised"
        if args.through_nginx:
            nginx = nginx_front.Nginx(port, https_port=nginx_port)
            target = Target(nginx_port, tls=True)
            front = (
                "through nginx (https), one address per thread, "
                + ("limits raised" if args.raised_limits else "production limits")
                + f", TRUSTED_PROXIES={args.trusted_proxies!r}"
            )
        targets, categories, levels = warm_up(target)
        before = counts()
        print(
            f"gunicorn :{port} (2 workers) + celery worker; {front}; {len(targets)} profiles; "
            f"{args.threads} threads for {args.seconds:.0f} s",
            flush=True,
        )
        results, accepted, errors, limited, wall = drive(
            target, args.seconds, args.threads, targets, categories, levels
        )
        report(results, errors, limited, wall)
        time.sleep(1)
        ok = verify(before, accepted, env)
    finally:
        if nginx:
            nginx.stop()
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        if not args.keep:
            psql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            redis_flush()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
