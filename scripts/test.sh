#!/usr/bin/env bash
# The static checks (import contracts, ruff lint and format), then the whole suite twice: on
# SQLite (always), then on PostgreSQL with Redis and a real Celery worker where they are
# reachable. A missing service is said out loud, never skipped silently. Every part runs even
# when an earlier one failed; the run fails if any did, and the last line names them.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PY=$BIN/python
export PYTHONDONTWRITEBYTECODE=1
# pytest-xdist for both halves: one worker per core (CI has 2), whole files per worker so
# module fixtures are built once; TEST_WORKERS=0 runs it in one process
WORKERS=${TEST_WORKERS:-$(nproc 2>/dev/null || echo 2)}
XDIST=()
if [ "$WORKERS" != "0" ]; then XDIST=(-n "$WORKERS" --dist loadfile); fi
status=0
failed=()
fail() { status=1; failed+=("$1"); }

echo "=== import contracts (lint-imports, [tool.importlinter] in pyproject.toml) ==="
$BIN/lint-imports --no-cache || fail "lint-imports"

echo "=== ruff check ==="
$BIN/ruff check . || fail "ruff check"

echo "=== ruff format --check ==="
$BIN/ruff format --check . || fail "ruff format"

echo "=== suite on SQLite (embedded default) ==="
env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL \
  $PY -m pytest -q -p no:randomly "${XDIST[@]}" "$@" || fail "suite on SQLite"

PG_HOST=${PG_HOST:-127.0.0.1}
PG_URL=${TEST_DATABASE_URL:-postgres://postgres@${PG_HOST}:5432/portal}
if $PY - "$PG_URL" <<'PYEOF'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}")
    sys.exit(1)
PYEOF
then
  REDIS=${TEST_REDIS_URL:-redis://127.0.0.1:6379/0}
  if $PY -c "import redis,sys; redis.Redis.from_url('$REDIS', socket_connect_timeout=2).ping()" 2>/dev/null; then
    export REDIS_URL=$REDIS CELERY_BROKER_URL=$REDIS
    echo "=== suite on PostgreSQL + Redis ($PG_URL, $REDIS) ==="
  else
    echo "=== Redis not reachable: PostgreSQL half runs with local-memory cache, eager Celery ==="
  fi
  # xdist here too: each worker has its own test database (test_portal_gw0, …) and Redis db,
  # and a transactional test's flush loads the migrations' rows back (tests/conftest.py)
  DATABASE_URL=$PG_URL $PY -m pytest -q -p no:randomly -m "not browser" "${XDIST[@]}" "$@" \
    || fail "suite on PostgreSQL"
else
  echo "=== SKIPPED: the PostgreSQL half of the suite (no server at $PG_URL) ==="
fi
if [ $status -ne 0 ]; then
  printf -v names '%s, ' "${failed[@]}"
  echo "=== FAILED: ${names%, } ==="
fi
exit $status
