"""The benchmark database named by DATABASE_URL: made fresh from a migrated template (created
on the first run; migrate then applies only what is new) and dropped afterwards."""

import os


def _admin_dsn():
    import dj_database_url

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    return cfg, (
        f"host={cfg['HOST'] or '127.0.0.1'} port={cfg['PORT'] or 5432} "
        f"user={cfg['USER'] or 'postgres'} dbname=postgres"
    )


def fresh_database() -> None:
    """Drop and create the database (from its template when there is one), set Django up and
    migrate; the first run keeps the migrated database as the template."""
    import psycopg

    cfg, dsn = _admin_dsn()
    name, template = cfg["NAME"], cfg["NAME"] + "_tpl"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        has_template = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [template]
        ).fetchone()
        conn.execute(
            f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if has_template else "")
        )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if not has_template:
        connection.close()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')


def drop_database() -> None:
    import psycopg
    from django.db import connection

    connection.close()
    cfg, dsn = _admin_dsn()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}" WITH (FORCE)')
