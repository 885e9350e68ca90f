"""The deadline timer through the real broker: a Celery worker on Redis runs the sweep task
that beat schedules, against the test database (PostgreSQL), and opens 督办 on an overdue case."""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from complaints.models import Case
from complaints.services.workflow import case_accept, case_assign

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_TEST_BROKER", "redis://127.0.0.1:6379/15")

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(BROKER, socket_timeout=1).ping())
    except Exception:
        return False


def _database_url(db) -> str:
    from urllib.parse import quote

    auth = quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_beat_sweep_task_on_a_real_worker_supervises_an_overdue_case(
    make_case, office_user, make_unit, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a shared database: run with DATABASE_URL=postgres")
    if not _redis_up():
        pytest.skip(f"Redis not reachable at {BROKER}")
    from celery import Celery

    # Celery prefers CELERY_BROKER_URL from the environment (scripts/test.sh exports the app's
    # broker) to Celery(broker=...), for control messages too: without this the ping and the
    # task went to the app's Redis database while the worker listened on the test one
    monkeypatch.setenv("CELERY_BROKER_URL", BROKER)
    case, _ = make_case()
    case = case_accept(case=case, actor=office_user)
    case = case_assign(
        case=case,
        actor=office_user,
        department=make_unit(),
        deadline=timezone.localdate() - timedelta(days=3),
    )
    assert case.supervised_at is None

    queue = f"complaints-test-{uuid.uuid4().hex[:8]}"  # nobody else's worker takes it
    db = connection.settings_dict
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="tests.faults.worker_settings",  # test settings, real broker
        DATABASE_URL=_database_url(db),
        CELERY_BROKER_URL=BROKER,
        CELERY_QUEUE=queue,
        CONN_MAX_AGE="0",
    )
    env.pop("REDIS_URL", None)
    log = tempfile.TemporaryFile()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            queue,
            "-c",
            "1",
            "--pool",
            "solo",
            "-l",
            os.environ.get("CELERY_TEST_LOGLEVEL", "WARNING"),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{queue}@%h",  # a node name of its own, never one of another running worker
        ],
        cwd=ROOT,
        env=env,
        # a file, not a pipe: nobody reads a pipe while we wait, and a full one blocks the worker
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    sender = Celery(broker=BROKER, set_as_current=False)  # never the tests' current_app
    try:
        # wait until the worker answers: on Redis a message sent before the worker bound its
        # queue is dropped, and a loaded machine may take a while to start it
        started = time.monotonic() + 60
        while time.monotonic() < started and worker.poll() is None:
            if sender.control.ping(timeout=1.0):
                break
        sender.send_task("complaints.tasks.case_deadline_sweep_task", queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if Case.objects.filter(pk=case.pk, supervised_at__isnull=False).exists():
                break
            if worker.poll() is not None:
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.seek(0)
        output = log.read().decode(errors="replace")
    case.refresh_from_db()
    assert case.supervised_at is not None, output[-3000:]
