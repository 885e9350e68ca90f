"""Ratings write-path benchmark on PostgreSQL: rating POSTs per second beside a bare view.

    .venv/bin/python bench/ratings_bench.py              # 500 ratings + 500 bare inserts
    .venv/bin/python bench/ratings_bench.py --n 3000 --procs 2

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_bench_ratings) is dropped and
created afresh, migrated, and 100 officials in 10 units are made. Then, in the same run:
  ratings   POST /rate/<id>/ through Django's test client: form + captcha (test mode; one
            DELETE … RETURNING) + both rate limits (cache) + rating_submit (per-official chain
            lock, monthly limit by the unique constraint on insert, hash, chain head update,
            call-back row and outbox message for 差评)
  bare      POST /bench/bare/ through the same client and middleware: one INSERT, 200 text
and prints requests per second for each and the ratio. Every request is a new voter (fresh
device cookie, varied client address). --procs N runs N client processes at once (the per-
official locks must not serialise them). --rounds R (default 5) alternates the two kinds in R
slices of n/R requests and sums the time of each, so a machine whose load changes during the
run (other jobs) weighs on both sides alike and the ratio stays meaningful. Drops the
database at the end unless --keep.

--http measures the same over HTTP instead: gunicorn with production settings, wrk, the real
POST /rate/<id>/ against a bare one-INSERT view (bench/pages_bench.py --pages '').
"""

import argparse
import multiprocessing
import os
import random
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchdb import drop_database, fresh_database  # noqa: E402  (bench/ is the script's folder)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_ratings"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="requests of each kind per process")
    parser.add_argument("--procs", type=int, default=1, help="client processes at once")
    parser.add_argument(
        "--rounds", type=int, default=5, help="alternate bare and rating slices this many times"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--http", action="store_true", help="over HTTP under gunicorn (bench/pages_bench.py)"
    )
    return parser.parse_args()


def _env():
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ["RATING_RATE_LIMIT"] = "100000000/h"
    os.environ["RATING_VOTER_RATE_LIMIT"] = "100000000/h"
    os.environ["CONN_MAX_AGE"] = "600"


def _urlconf():
    from django.db import connection
    from django.http import HttpResponse
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt
    from wagtail import urls as wagtail_urls

    @csrf_exempt
    def bare(request):
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO bench_bare (official_id, level, created_at) VALUES (%s, %s, now())",
                [int(request.POST["official"]), int(request.POST["level"])],
            )
        return HttpResponse("ok")

    module = types.ModuleType("bench_ratings_urls")
    # i18n and captcha: the refused rating of warm_up() renders the profile with its form
    module.urlpatterns = [
        path("bench/bare/", bare),
        path("i18n/", include("django.conf.urls.i18n")),
        path("captcha/", include("captcha.urls")),
        path("", include("portal.evaluation.urls")),
        path("", include(wagtail_urls)),
    ]
    sys.modules["bench_ratings_urls"] = module


def setup_database():
    """A fresh database cloned from a migrated template (made on the first run; migrate then
    only applies what is new), so the setup stays short."""
    t = time.perf_counter()
    fresh_database()
    from django.db import connection

    print(f"migrate: {time.perf_counter() - t:.1f} s", flush=True)
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE bench_bare (id bigserial PRIMARY KEY, official_id int, "
            "level int, created_at timestamptz)"
        )
    from cms.models import UnitKind
    from cms.services import OfficialData, official_upsert, site_structure_ensure, unit_upsert

    roster = site_structure_ensure()["officials"]
    ids = []
    for u in range(10):
        unit, _ = unit_upsert(
            name=f"压测单位{u}", kind=UnitKind.WINDOW, latitude="27.2", longitude="116.5"
        )
        for o in range(10):
            page, _ = official_upsert(
                data=OfficialData(
                    name=f"压测{u}号{o}", gender="M", unit=unit, post="科员", slug=f"bench-{u}-{o}"
                ),
                roster=roster,
            )
            ids.append(page.pk)
    print(f"setup: migrate + 100 officials in {time.perf_counter() - t:.1f} s")
    return ids


GOOD = {
    "level": "4",
    "attitude": "5",
    "efficiency": "4",
    "style": "5",
    "reason": "",
    "mode": "anonymous",
    "captcha_0": "x",
    "captcha_1": "PASSED",
}
BAD = {**GOOD, "level": "2", "attitude": "2", "reason": "办事拖拉"}


def run_client(kind, n, official_ids, seed, results):
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    rng = random.Random(seed)
    client = Client()
    with override_settings(ROOT_URLCONF="bench_ratings_urls"):
        # warm up: first request imports templates and URLs
        client.post("/bench/bare/", {"official": official_ids[0], "level": 4})
        started = time.perf_counter()
        failures = 0
        for i in range(n):
            official = rng.choice(official_ids)
            data = BAD if i % 10 == 0 else GOOD
            if kind == "ratings":
                client.cookies.clear()  # a new voter each time
                response = client.post(
                    f"/rate/{official}/",
                    data,
                    REMOTE_ADDR=f"10.{seed % 250}.{rng.randrange(250)}.{rng.randrange(250)}",
                )
                failures += response.status_code != 302
            else:
                response = client.post(
                    "/bench/bare/", {"official": official, "level": data["level"]}
                )
                failures += response.status_code != 200
        elapsed = time.perf_counter() - started
    connection.close()
    results.put((kind, n, elapsed, failures))


def warm_up(official_ids):
    """Import what the views need before the clients fork (a refused rating renders the
    profile too, and stores nothing), so no slice pays for first-request imports."""
    from django.test import Client
    from django.test.utils import override_settings

    client = Client()
    with override_settings(ROOT_URLCONF="bench_ratings_urls"):
        client.post("/bench/bare/", {"official": official_ids[0], "level": 4})
        response = client.post(f"/rate/{official_ids[0]}/", {**GOOD, "level": "9"})
        assert response.status_code == 400, response.status_code
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE bench_bare")


def measure(kind, n, procs, official_ids, round_no=0):
    """(requests done, seconds of the slowest client, failures) of one slice."""
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    workers = [
        ctx.Process(
            target=run_client, args=(kind, n, official_ids, 17 + i + 1000 * round_no, results)
        )
        for i in range(procs)
    ]
    wall = time.perf_counter()
    for w in workers:
        w.start()
    rows = [results.get() for _ in workers]
    for w in workers:
        w.join()
    wall = time.perf_counter() - wall
    return sum(r[1] for r in rows), max(r[2] for r in rows), sum(r[3] for r in rows)


def main():
    if "--http" in sys.argv[1:]:
        import subprocess

        rest = [a for a in sys.argv[1:] if a != "--http"]
        script = Path(__file__).with_name("pages_bench.py")
        sys.exit(subprocess.call([sys.executable, str(script), "--pages", "", *rest]))
    args = parse_args()
    _env()
    official_ids = setup_database()
    _urlconf()
    from django.db import connection

    warm_up(official_ids)
    connection.close()  # forked clients open their own connections
    rounds = max(1, min(args.rounds, args.n))
    done = {"bare": [0, 0.0, 0], "ratings": [0, 0.0, 0]}  # requests, seconds, failures
    for round_no in range(rounds):
        per = args.n // rounds + (1 if round_no < args.n % rounds else 0)
        for kind in ("bare", "ratings"):
            for i, value in enumerate(measure(kind, per, args.procs, official_ids, round_no)):
                done[kind][i] += value
    bare_rate, bare_fail = done["bare"][0] / done["bare"][1], done["bare"][2]
    rating_rate, rating_fail = done["ratings"][0] / done["ratings"][1], done["ratings"][2]
    from django.core.management import call_command

    from portal.evaluation.models import Rating

    stored = Rating.objects.count()
    call_command("verify_audit", verbosity=0)
    print(
        f"clients: {args.procs} process(es) × {args.n} requests of each kind, "
        f"alternating in {rounds} slices"
    )
    print(f"bare view (one INSERT): {bare_rate:8.0f} req/s   failures {bare_fail}")
    print(
        f"rating POST:           {rating_rate:8.0f} ratings/s failures {rating_fail}"
        f"   stored {stored}, chains verified"
    )
    print(f"ratio rating/bare:     {rating_rate / bare_rate:8.2f}")
    if not args.keep:
        drop_database()


if __name__ == "__main__":
    main()
