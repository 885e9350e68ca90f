"""Helpers for the deployment tests: they start real processes against the machine's
PostgreSQL and Redis, each with a database, Redis key prefix and queue of its own."""

import hashlib
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("TEST_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
REDIS_SERVER = os.environ.get("TEST_REDIS_SERVER", "redis://127.0.0.1:6379")


def pg_connect(dbname="postgres"):
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/{dbname}", autocommit=True, connect_timeout=3)


def pg_reachable() -> str:
    """'' when PostgreSQL answers, else the reason."""
    try:
        pg_connect().close()
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_SERVER}: {exc.__class__.__name__}"
    return ""


def redis_reachable() -> str:
    try:
        import redis

        redis.Redis.from_url(REDIS_SERVER, socket_connect_timeout=2).ping()
    except Exception as exc:
        return f"Redis not reachable at {REDIS_SERVER}: {exc.__class__.__name__}"
    return ""


def in_postgres_half() -> str:
    # `make test` runs the suite twice; these slow tests run once, in the PostgreSQL half
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return (
            "runs in the PostgreSQL half of `make test` (set DATABASE_URL=postgres://...): "
            "it starts its own processes against the machine's PostgreSQL"
        )
    return ""


def db_create(name, template=None):
    import psycopg

    tpl = f' TEMPLATE "{template}"' if template else ""
    for attempt in range(10):
        try:
            with pg_connect() as conn:
                conn.execute(f'CREATE DATABASE "{name}"{tpl}')
            return
        except psycopg.errors.ObjectInUse:
            # another run is cloning the same template right now
            if attempt == 9:
                raise
            time.sleep(1 + attempt)


def db_drop(name):
    with pg_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def db_exists(name) -> bool:
    with pg_connect() as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone())


def migrations_fingerprint() -> str:
    digest = hashlib.sha1()
    for path in sorted(ROOT.glob("**/migrations/*.py")):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def migrated_template() -> str:
    """A migrated, otherwise empty database to clone, kept between runs and rebuilt when any
    migration file changes (migrating Wagtail from zero takes ~35 s on these machines; a clone
    takes about one). serve-prod.sh still runs `migrate` on the clone."""
    name = f"portal_smoke_tpl_{migrations_fingerprint()}"
    if db_exists(name):
        return name
    building = f"{name}_b{secrets.token_hex(3)}"
    db_create(building)
    try:
        subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=600,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "portal.settings.base",
                "DATABASE_URL": f"{PG_SERVER}/{building}",
                "REDIS_URL": "",
                "CELERY_BROKER_URL": "",
            },
        )
        with pg_connect() as conn:
            for (old,) in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'portal_smoke_tpl_%' "
                "AND datname NOT LIKE '%\\_b%'"
            ).fetchall():
                conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
            conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    except subprocess.CalledProcessError as exc:
        db_drop(building)
        pytest.fail("migrate failed:\n" + exc.stderr.decode()[-3000:])
    except Exception:
        db_drop(building)
        if not db_exists(name):  # a parallel run may have won the rename
            raise
    return name
