"""Public pages and the rating POST under gunicorn, each beside a bare Django view, same run.

    .venv/bin/python bench/pages_bench.py                       # gunicorn as deployed
    .venv/bin/python bench/pages_bench.py --configs sync:2,sync:3,gthread:2x4 --seconds 5
    .venv/bin/python bench/pages_bench.py --max-requests 2000   # the old worker recycling

Loopback only. A PostgreSQL database of its own (BENCH_DB, default portal_e_pages; dropped at
the end unless --keep) is migrated and seeded with the demo (seed_demo: 40 units, 470
officials); the seeded database is kept as the template BENCH_DB_seeded, so later runs only
clone it and apply new migrations (--reseed makes it again). Redis database 9 (BENCH_REDIS_URL;
flushed) is cache, page cache, rate-limit store and broker.

gunicorn runs with production settings and deploy/gunicorn.conf.py; only the settings module
is bench/pages_bench_settings.py, which is production's plus two bare views outside the page
cache (bench/pages_bench_urls.py): GET /bench/bare/ and POST /bench/bare-insert/ (one INSERT).
CAPTCHA_TEST_MODE=1 (the answer PASSED) and raised rate limits, as in load_bench.py, so each
rating POST is real work; there is no nginx in front (see load_bench.py --through-nginx).

Measured with wrk (-t2 -c32 by default; a Python load generator when wrk is absent), bare and
page alternating, so a change in the machine's load weighs on both alike:
  pages   /, /officials/, one profile, /stats/, /rankings/, /results/  (anonymous GETs)
  rating  POST /rate/<id>/ (a new voter each time: no device cookie), a good rating, against
          POST /bench/bare-insert/
and prints req/s, p50/p99 and page/bare per path, with the load average. After the POSTs the
ratings stored are counted against the 302s answered, and verify_audit checks the chains.
"""

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
DB_NAME = os.environ.get("BENCH_DB", "portal_e_pages")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")  # flushed
PAGES = ["/", "/officials/", "PROFILE", "/stats/", "/rankings/", "/results/"]
RATING = {
    "level": "",  # the best level on the form, filled in by warm_up
    "attitude": "5",
    "efficiency": "4",
    "style": "5",
    "reason": "",
    "mode": "anonymous",
    "captcha_0": "x",
    "captcha_1": "PASSED",
}

sys.path.insert(0, str(BENCH))
from load_bench import free_port, psql, server_env, wait_http  # noqa: E402


def redis_flush():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=10, help="per wrk run")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--rounds", type=int, default=1, help="bare/page pairs per path")
    p.add_argument(
        "--configs",
        default="deployed",
        help="comma-separated gunicorn configurations: deployed, sync:N, gthread:NxT",
    )
    p.add_argument("--max-requests", default="", help="GUNICORN_MAX_REQUESTS (default: conf)")
    p.add_argument(
        "--pages", default=",".join(PAGES), help="paths; PROFILE = one profile; '' = none"
    )
    p.add_argument("--no-post", action="store_true", help="skip the rating POST")
    p.add_argument("--python-load", action="store_true", help="Python load generator, not wrk")
    p.add_argument(
        "--through-nginx",
        action="store_true",
        help="the load through deploy/nginx.conf (https, keep-alive upstream; bench/nginx_front.py)",
    )
    p.add_argument("--keep", action="store_true", help="keep the database")
    p.add_argument("--reseed", action="store_true", help="make the seeded template again")
    return p.parse_args()


# --- the database --------------------------------------------------------------------------


def _manage(env, *args):
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True, **quiet
    )


def prepare_database(env, reseed=False):
    import psycopg

    template = DB_NAME + "_seeded"
    psql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    if reseed:
        psql(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=5) as conn:
        seeded = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
    psql(f'CREATE DATABASE "{DB_NAME}"' + (f' TEMPLATE "{template}"' if seeded else ""))
    started = time.perf_counter()
    _manage(env, "migrate", "--noinput", "-v0")  # on a clone: only what is new
    if not seeded:
        print("seed_demo (470 officials; kept as a template for later runs)", flush=True)
        _manage(env, "seed_demo")
        psql(f'CREATE DATABASE "{template}" TEMPLATE "{DB_NAME}"')
    with psycopg.connect(f"{PG}/{DB_NAME}", autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_bare (id bigserial PRIMARY KEY, official_id int, "
            "level int, created_at timestamptz)"
        )
        officials = conn.execute("SELECT count(*) FROM cms_officialpage").fetchone()[0]
    print(
        f"database {DB_NAME}: {officials} officials, ready in {time.perf_counter() - started:.0f} s"
    )


def count(sql) -> int:
    import psycopg

    with psycopg.connect(f"{PG}/{DB_NAME}") as conn:
        return conn.execute(sql).fetchone()[0]


# --- gunicorn ------------------------------------------------------------------------------


def gunicorn_env(port, spec, max_requests):
    env = server_env(port)
    env.update(
        DATABASE_URL=f"{PG}/{DB_NAME}",
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        DJANGO_SETTINGS_MODULE="pages_bench_settings",
        PYTHONPATH=f"{ROOT}{os.pathsep}{BENCH}",
    )
    # the demo as seed_demo makes it (470 officials), gunicorn as its conf file makes it
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_MAX_REQUESTS", "DEMO_UNITS"):
        env.pop(name, None)
    for name in ("DEMO_OFFICIALS", "DEMO_MONITORS"):
        env.pop(name, None)
    if spec != "deployed":
        kind, _, size = spec.partition(":")
        workers, _, threads = size.partition("x")
        env["WEB_CONCURRENCY"] = workers
        env["GUNICORN_THREADS"] = (threads or "4") if kind == "gthread" else "1"
    if max_requests:
        env["GUNICORN_MAX_REQUESTS"] = max_requests
    return env


class Gunicorn:
    """gunicorn on a free port; `base` is where the load goes (nginx's https in front, or it)."""

    def __init__(self, spec, max_requests, through_nginx=False):
        self.port = free_port()
        self.env = gunicorn_env(self.port, spec, max_requests)
        self.nginx = None
        self.log = tempfile.NamedTemporaryFile("w+", prefix="pages-bench-gunicorn-", delete=False)
        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
                "portal.wsgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=self.log,
            stderr=self.log,
        )
        wait_http(self.port)
        time.sleep(2)  # every worker booted
        self.seen = set(self.workers())
        self.first = len(self.seen)
        self.base = f"http://127.0.0.1:{self.port}"
        if through_nginx:
            import nginx_front

            self.nginx = nginx_front.Nginx(self.port, workers=1)
            self.base = f"https://127.0.0.1:{self.nginx.https_port}"

    def describe(self) -> str:
        workers = self.env.get("WEB_CONCURRENCY", "conf default")
        threads = self.env.get("GUNICORN_THREADS", "conf default")
        recycle = self.env.get("GUNICORN_MAX_REQUESTS", "conf default")
        return f"workers={workers} threads={threads} max_requests={recycle}"

    def workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def cpu_seconds(self) -> list[float]:
        """CPU time of each live worker: how evenly the connections were spread."""
        tick, out = os.sysconf("SC_CLK_TCK"), []
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out.append((int(fields[11]) + int(fields[12])) / tick)  # utime + stime
        return sorted(out, reverse=True)

    def restarts(self) -> int:
        """Workers replaced so far (at least: sampled between the wrk runs)."""
        self.seen.update(self.workers())
        return len(self.seen) - self.first

    def stop(self):
        if self.nginx:
            self.nginx.stop()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        Path(self.log.name).unlink(missing_ok=True)


# --- load generators -----------------------------------------------------------------------

LUA_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"us":%d,"errors":%d,"status":%d,"timeouts":%d,"p50":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def _lua(method, body) -> str:
    lines = ['wrk.headers["Sec-Fetch-Site"] = "same-origin"']
    if method == "POST":
        lines += [
            'wrk.method = "POST"',
            f"wrk.body = {json.dumps(body)}",
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
        ]
    return "\n".join(lines) + LUA_DONE


def wrk(base, path, args, method="GET", body=""):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(method, body))
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{max(1, round(args.seconds))}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"{base}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    if "WRKJSON " not in out:
        raise SystemExit(f"wrk printed no summary:\n{out}")
    row = json.loads(out.split("WRKJSON ", 1)[1].splitlines()[0])
    seconds = row["us"] / 1e6
    return {
        "n": row["requests"],
        "rps": row["requests"] / seconds if seconds else 0.0,
        "p50": row["p50"] / 1000,
        "p99": row["p99"] / 1000,
        "bad": row["errors"] + row["status"] + row["timeouts"],
    }


def pyload(base, path, args, method="GET", body=""):
    """The same measurement with keep-alive http.client threads (slower than wrk: the GIL)."""
    times, bad, lock = [], [0], threading.Lock()
    stop_at = time.monotonic() + args.seconds
    headers = {"Host": "127.0.0.1", "Sec-Fetch-Site": "same-origin"}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"

    def client():
        url = urllib.parse.urlsplit(base)
        if url.scheme == "https":
            import ssl

            context = ssl._create_unverified_context()  # nginx_front's self-signed certificate
            conn = http.client.HTTPSConnection("127.0.0.1", url.port, timeout=10, context=context)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", url.port, timeout=10)
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body or None, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                ok = False
            with lock:
                times.append(time.perf_counter() - started)
                bad[0] += not ok

    pool = [threading.Thread(target=client, daemon=True) for _ in range(args.connections)]
    started = time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.monotonic() - started
    ms = sorted(t * 1000 for t in times) or [float("nan")]
    return {
        "n": len(times),
        "rps": len(times) / wall,
        "p50": statistics.median(ms),
        "p99": ms[min(len(ms) - 1, int(0.99 * len(ms)))],
        "bad": bad[0],
    }


def merge(runs):
    n = sum(r["n"] for r in runs)
    return {
        "n": n,
        "rps": statistics.mean(r["rps"] for r in runs),
        "p50": statistics.median(r["p50"] for r in runs),
        "p99": max(r["p99"] for r in runs),
        "bad": sum(r["bad"] for r in runs),
    }


# --- the run -------------------------------------------------------------------------------


def get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body.decode(errors="replace")


def warm_up(port, pages):
    """A profile with a rating form, the form's best level; every page fetched twice so it is
    in the page cache (the second answer says whether it was a hit)."""
    response, roster = get(port, "/officials/")
    assert response.status == 200, f"/officials/ answered {response.status}"
    profile, official_id, levels = "", 0, []
    for slug in sorted(set(re.findall(r'href="(/officials/[^/"?#]+/)"', roster)))[:20]:
        response, html = get(port, slug)
        m = re.search(r'action="/rate/(\d+)/"', html)
        if response.status == 200 and m:
            profile, official_id = slug, int(m.group(1))
            levels = sorted(re.findall(r'name="level" value="(\d+)"', html), key=int)
            break
    assert profile and levels, "no official profile with a rating form"
    paths = [profile if p == "PROFILE" else p for p in pages]
    status = {}
    for path in paths:
        get(port, path)
        response, html = get(port, path)
        status[path] = (response.status, response.getheader("X-Page-Cache", "-"), len(html))
        assert response.status == 200, f"{path} answered {response.status}"
    response, _ = get(port, "/bench/bare/")
    assert response.status == 200, "the bare view is missing: not pages_bench_settings?"
    return paths, status, official_id, levels[-1]


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def row(label, r, bare=None):
    ratio = f"{r['rps'] / bare['rps']:7.2f}" if bare and bare["rps"] else " " * 7
    return f"{label:<34}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['bad']:>7}{ratio}"


def run_config(spec, args, load):
    server = Gunicorn(spec, args.max_requests, args.through_nginx)
    try:
        pages = [p for p in args.pages.split(",") if p]
        paths, status, official_id, level = warm_up(server.port, pages)
        front = "through nginx (https)" if server.nginx else "direct"
        print(f"\n=== gunicorn {spec} {front}: {server.describe()}; load average {loadavg()}")
        for path, (code, cache, size) in status.items():
            print(f"  {path}: {code}, page cache {cache}, {size // 1024} KB")
        print(f"{'path':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'bad':>7}{'ratio':>7}")
        bares = []
        for path in paths:
            bare_runs, page_runs = [], []
            for _ in range(args.rounds):
                bare_runs.append(load(server.base, "/bench/bare/", args))
                server.restarts()
                page_runs.append(load(server.base, path, args))
                server.restarts()
            bare, page = merge(bare_runs), merge(page_runs)
            bares.append(bare)
            print(row("  bare GET /bench/bare/", bare), flush=True)
            print(row(f"  GET {path}", page, bare), flush=True)
        if not args.no_post:
            body = urllib.parse.urlencode({**RATING, "level": level})
            before = count("SELECT count(*) FROM evaluation_rating")
            bare_runs, post_runs = [], []
            for _ in range(args.rounds):
                bare_body = f"official={official_id}&level={level}"
                bare_runs.append(load(server.base, "/bench/bare-insert/", args, "POST", bare_body))
                post_runs.append(load(server.base, f"/rate/{official_id}/", args, "POST", body))
            bare, post = merge(bare_runs), merge(post_runs)
            print(row("  bare POST (one INSERT)", bare), flush=True)
            print(row(f"  POST /rate/{official_id}/", post, bare), flush=True)
            time.sleep(1)
            stored = count("SELECT count(*) FROM evaluation_rating") - before
            # wrk stops with requests in flight: those may be stored without being counted
            print(
                f"  ratings: {post['n'] - post['bad']} answered 302, {stored} stored, "
                f"{post['bad']} refused or failed"
            )
        spread = [b["rps"] for b in bares] or [0]
        print(
            f"  bare GET across the runs: {min(spread):.0f}-{max(spread):.0f} req/s; "
            f"worker restarts {server.restarts()}; load average after {loadavg()}"
        )
        cpu = server.cpu_seconds()
        print(f"  CPU seconds per worker: {', '.join(f'{c:.1f}' for c in cpu)}")
    finally:
        server.stop()


def verify_audit(env):
    out = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "verify_audit"], cwd=ROOT, env=env, text=True,
        capture_output=True,
    )  # fmt: skip
    last = re.split(r"[\r\n]+", (out.stdout + out.stderr).strip())[-1]  # tqdm's last frame
    print(f"verify_audit: exit {out.returncode} {last[-200:]}")
    return out.returncode == 0


def main():
    args = parse_args()
    use_wrk = not args.python_load and bool(
        subprocess.run(["which", "wrk"], capture_output=True).stdout
    )
    load = wrk if use_wrk else pyload
    env = gunicorn_env(0, "deployed", "")
    ok = True
    try:
        redis_flush()
        prepare_database(env, args.reseed)
        print(
            f"load generator: {'wrk' if use_wrk else 'Python threads (wrk not installed)'} "
            f"-t{args.threads} -c{args.connections} -d{args.seconds:g}s, {args.rounds} round(s); "
            f"{os.cpu_count()} cores"
        )
        for spec in args.configs.split(","):
            redis_flush()
            run_config(spec.strip(), args, load)
        if not args.no_post:
            ok = verify_audit(env)
    finally:
        if not args.keep:
            psql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        redis_flush()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
