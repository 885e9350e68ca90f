#!/usr/bin/env bash
# The production stack on this machine: gunicorn + Celery worker + Celery beat with
# DJANGO_SETTINGS_MODULE=portal.settings.production against local PostgreSQL (127.0.0.1:5432,
# user postgres, trust) and Redis (127.0.0.1:6379). Migrates first. Ctrl-C stops all three;
# if one of them dies the others are stopped too and the script exits non-zero.
#
# Every value below is a local default; set the variable to override it, e.g.
#   PORT=8100 DATABASE_URL=postgres://postgres@127.0.0.1:5432/other make serve-prod
#   SEED_DEMO=1 make serve-prod      # also seed the demo (small: DEMO_OFFICIALS=40 ...)
# There is no Elasticsearch on this machine: search uses the database backend
# (SEARCH_DATABASE_ONLY=1) unless ELASTICSEARCH_URL is set. There is no nginx or TLS either,
# so Django serves static files (SERVE_FILES=1) and does not redirect to https.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY=$VENV/bin/python

export DJANGO_SETTINGS_MODULE=portal.settings.production
export PORT=${PORT:-8000}
export GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:$PORT}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_prod}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-$REDIS_URL}
export CELERY_QUEUE=${CELERY_QUEUE:-portal}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
# local-only secrets: fixed so sessions and hashes survive a restart; never use them elsewhere
export SECRET_KEY=${SECRET_KEY:-local-serve-prod-only-0f3c9a7e5b1d4c2a8e6f0b9d7c5a3e1f2b4d6c8a}
export VOTER_HASH_KEY=${VOTER_HASH_KEY:-local-serve-prod-voter-key-6d2f8b0a4c1e9f7d}
export RECEIPT_SIGNING_KEY=${RECEIPT_SIGNING_KEY:-local-serve-prod-receipt-key-3a9e7c5b1d0f}
export FIELD_ENCRYPTION_KEYS=${FIELD_ENCRYPTION_KEYS:-bG9jYWwtc2VydmUtcHJvZC1maWVsZC1rZXktMDAwMDA=}
if [ -z "${ELASTICSEARCH_URL:-}" ]; then export SEARCH_DATABASE_ONLY=${SEARCH_DATABASE_ONLY:-1}; fi
export SERVE_FILES=${SERVE_FILES:-1}
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-0}
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-2}
export CELERY_CONCURRENCY=${CELERY_CONCURRENCY:-2}
export LOG_FORMAT=${LOG_FORMAT:-json}
RUN_DIR=${RUN_DIR:-${TMPDIR:-/tmp}/portal-serve-prod-$PORT}
mkdir -p "$RUN_DIR"

# the database itself (trust auth on this machine); production creates it once by hand
$PY - <<'PYEOF'
import os, psycopg
url = os.environ["DATABASE_URL"]
base, name = url.rsplit("/", 1)
name = name.split("?", 1)[0]
with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=5) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
        print(f"created database {name}")
PYEOF

$PY manage.py migrate --noinput
if [ "$SERVE_FILES" != "1" ]; then $PY manage.py collectstatic --noinput -v0; fi
if [ "${SEED_DEMO:-0}" = "1" ]; then $PY manage.py seed_demo; fi

rm -f "$RUN_DIR/celerybeat.pid"  # a stale pidfile (after kill -9) would stop beat
pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

$VENV/bin/gunicorn -c deploy/gunicorn.conf.py portal.wsgi:application &
pids+=($!)
$VENV/bin/celery -A portal worker -Q "$CELERY_QUEUE" -c "$CELERY_CONCURRENCY" \
  -n "worker-$PORT@%h" --without-gossip --without-mingle --loglevel INFO &
pids+=($!)
$VENV/bin/celery -A portal beat --schedule "$RUN_DIR/celerybeat-schedule" \
  --pidfile "$RUN_DIR/celerybeat.pid" --loglevel INFO &
pids+=($!)
echo "serve-prod: http://$GUNICORN_BIND (gunicorn ${pids[0]}, worker ${pids[1]}, beat ${pids[2]}; queue $CELERY_QUEUE)" >&2

# one of them stopped: stop the rest and fail
set +e
wait -n "${pids[@]}"
code=$?
echo "serve-prod: a process exited ($code); stopping the stack" >&2
stop
exit $(( code == 0 ? 1 : code ))
