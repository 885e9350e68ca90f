"""Wuhan-scale warnings and ranking benchmark on PostgreSQL.

    .venv/bin/python bench/warnings_bench.py                 # 26,561 units/officials, 4.02 M
    .venv/bin/python bench/warnings_bench.py --ratings 500000 # a smaller run

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_bench_warnings) is dropped and
made afresh from a migrated template. The load is pure SQL (generate_series): 26,561 units and
as many officials (one per unit), 4.02 million ratings spread over 2025 (satisfaction ≈ 96 %,
with a few officials rated badly enough to cross every warning level), 1,000 revocations.
Officials are not full Wagtail pages here: the foreign keys from ratings and warnings to the
page table are dropped in this throw-away database, since neither query reads the pages.

Then, in the same run, it times:
  compute_warnings   warnings_compute(day=2025-12-31), the service the command and beat run
  re-run             the same again (idempotent: nothing new)
  ranking            scores.ranking(year=2025): unit scores of 2025 and 2024, ten best/worst
  bare GROUP BY      the plain aggregates over the same table those two need
and prints each with the ratio to its bare query. Goal: each under 60 s, within 2× of bare.
"""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchdb import drop_database, fresh_database  # noqa: E402  (bench/ is the script's folder)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_warnings"
UNITS = 26_561
RATINGS = 4_020_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=RATINGS)
    parser.add_argument("--units", type=int, default=UNITS)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    return parser.parse_args()


LOAD = """
ALTER TABLE evaluation_rating DROP CONSTRAINT IF EXISTS {rating_fk};
ALTER TABLE evaluation_warning DROP CONSTRAINT IF EXISTS {warning_fk};
INSERT INTO cms_unit (id, name, short_name, kind, address, head, phone, display_order)
SELECT u, '单位' || u, '', 'window', '', '', '', u FROM generate_series(1, {units}) u;
INSERT INTO evaluation_rating (official_id, unit_id, level, attitude, efficiency, style, reason,
    anonymous, channel, voter_key, network_key, month, created_at, seq, prev_hash, hash)
SELECT o, o,
       CASE WHEN r < bad THEN 2 WHEN r < bad + 0.06 THEN 3 ELSE 4 END, 4, 4, 4,
       CASE WHEN r < bad THEN '办事拖拉' ELSE '' END,
       true, 'web', md5(g::text), '', date_trunc('month', ts)::date, ts, g,
       repeat('0', 64), md5(g::text) || md5((-g)::text)
FROM (
    SELECT g, o, random() AS r,
           CASE WHEN o % 1000 = 0 THEN 0.9 WHEN o % 100 = 0 THEN 0.4 ELSE 0.03 END AS bad,
           timestamptz '2025-01-01 00:00:00+08' + random() * interval '365 days' AS ts
    FROM (SELECT g, (g % {units}) + 1 AS o FROM generate_series(1, {ratings}) g) s0
) s;
INSERT INTO evaluation_ratingrevocation (rating_id, reason, actor_id, created_at)
SELECT id, '演示撤销', {actor}, now() FROM evaluation_rating WHERE level <= 2
ORDER BY id LIMIT 1000;
"""


def _fk(cursor, table, column):
    cursor.execute(
        """
        SELECT c.conname FROM pg_constraint c JOIN pg_attribute a
          ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.conrelid = %s::regclass AND c.contype = 'f' AND a.attname = %s""",
        [table, column],
    )
    return cursor.fetchone()[0]


def load(args):
    from django.db import connection

    from portal.accounts.models import User

    actor = User.objects.create(username="bench-office").pk
    t = time.perf_counter()
    with connection.cursor() as cur:
        # bulk load without secondary indexes and constraints, then build them once
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE "
            "conrelid = 'evaluation_rating'::regclass AND contype IN ('u', 'f') "
            "AND pg_get_constraintdef(oid) NOT LIKE '%wagtailcore_page%' "
            "AND pg_get_constraintdef(oid) NOT LIKE '%cms_officialpage%'"
        )
        constraints = cur.fetchall()
        for name, _ in constraints:
            cur.execute(f'ALTER TABLE evaluation_rating DROP CONSTRAINT "{name}"')
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
            "'evaluation_rating' AND indexname NOT LIKE '%pkey'"
        )
        indexes = cur.fetchall()
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        sql = LOAD.format(
            rating_fk=_fk(cur, "evaluation_rating", "official_id"),
            warning_fk=_fk(cur, "evaluation_warning", "official_id"),
            units=args.units,
            ratings=args.ratings,
            actor=actor,
        )
        statements = [x for x in sql.split(";\n") if x.strip()]
        for statement in statements[:-1]:
            cur.execute(statement)
        for _, definition in indexes:
            cur.execute(definition)
        for name, definition in constraints:
            cur.execute(f'ALTER TABLE evaluation_rating ADD CONSTRAINT "{name}" {definition}')
        cur.execute(statements[-1])  # revocations need the rating ids indexed
        cur.execute("ANALYZE")
    print(
        f"load: {args.units:,} units/officials, {args.ratings:,} ratings in "
        f"{time.perf_counter() - t:.1f} s",
        flush=True,
    )


def timed(label, func):
    t = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - t
    print(f"{label:<34} {elapsed:7.2f} s", flush=True)
    return elapsed, result


def bare(sql):
    from django.db import connection

    def run():
        with connection.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()

    return run


BARE_WARNINGS = """
SELECT official_id, count(*) FILTER (WHERE month = '2025-12-01'), count(*)
FROM evaluation_rating WHERE level <= 2 AND month >= '2025-01-01' AND month <= '2025-12-01'
GROUP BY official_id"""
BARE_RANKING = """
SELECT unit_id, count(*), count(*) FILTER (WHERE level <= 2)
FROM evaluation_rating WHERE month >= '2025-01-01' AND month < '2026-01-01'
GROUP BY unit_id"""


def main():
    args = parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    t0 = time.perf_counter()
    fresh_database()
    load(args)
    from portal.evaluation import scores
    from portal.evaluation.models import OfficialWarning
    from portal.evaluation.warnings import warnings_compute

    day = date(2025, 12, 31)
    bare_w, _ = timed("bare GROUP BY (warnings)", bare(BARE_WARNINGS))
    warn_t, new = timed("compute_warnings --date 2025-12-31", lambda: warnings_compute(day=day))
    rerun_t, again = timed("compute_warnings re-run", lambda: warnings_compute(day=day))
    bare_r, _ = timed("bare GROUP BY (ranking)", bare(BARE_RANKING))
    rank_t, ranking = timed("yearly ranking 2025", lambda: scores.ranking(year=2025))
    by_level = {}
    for w in OfficialWarning.objects.values_list("level", "period_kind"):
        by_level[w] = by_level.get(w, 0) + 1
    print(
        f"warnings raised: {len(new):,} {dict(sorted(by_level.items()))}; re-run raised "
        f"{len(again)}"
    )
    print(
        f"ranked units: {len(ranking['rows']):,}; ten worst: "
        f"{[r.name for r in ranking['worst']][:3]}…"
    )
    print(
        f"ratio compute_warnings / bare: {warn_t / bare_w:5.2f}   (re-run {rerun_t / bare_w:5.2f})"
    )
    print(f"ratio ranking / bare:          {rank_t / bare_r:5.2f}")
    print(f"total run {time.perf_counter() - t0:.0f} s")
    if not args.keep:
        drop_database()


if __name__ == "__main__":
    main()
