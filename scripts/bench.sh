#!/usr/bin/env bash
# make bench: every benchmark, each printing its figures beside a bare baseline measured in the
# same run. Needs PostgreSQL (127.0.0.1:5432) and Redis; each benchmark uses and drops a
# database of its own. pages_bench uses wrk when installed (apt-get install wrk), else a
# Python load generator. Pass BENCH_QUICK=1 for smaller sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  SEARCH_N=100000; LOAD_SECONDS=15; PAGES_SECONDS=5
else
  SEARCH_N=1000000; LOAD_SECONDS=30; PAGES_SECONDS=10
fi
echo "=== pages and rating POST under gunicorn (wrk) vs bare views ==="
$PY bench/pages_bench.py --seconds "$PAGES_SECONDS"
echo "=== ratings: rating POSTs vs a bare one-INSERT view ==="; $PY bench/ratings_bench.py
echo "=== warnings and ranking at Wuhan scale vs bare GROUP BY ==="; $PY bench/warnings_bench.py
echo "=== search p50/p95 vs bare SQL ==="; $PY bench/search_bench.py --n "$SEARCH_N"
echo "=== load: views, ratings, complaints, searches at once ==="; $PY bench/load_bench.py --seconds "$LOAD_SECONDS"
# the same load through the deployed nginx.conf, one address per client, production rate limits
if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
  echo "=== load through nginx (TLS, X-Forwarded-For, production limits) ==="
  $PY bench/load_bench.py --seconds "$LOAD_SECONDS" --through-nginx
else
  echo "=== load through nginx: skipped, nginx not installed (apt-get install nginx-light) ==="
fi
