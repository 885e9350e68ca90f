"""A worker dies (SIGKILL) in the middle of a task: with acks_late the message is not yet
acknowledged, so Redis gives it to a second worker; the effect is recorded under an idempotency
key in its own transaction, so it happens exactly once."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction

from portal.outbox.models import OutboxMessage, TaskRun
from portal.outbox.services import outbox_enqueue

from .conftest import BROKER
from .tasks import attempts_path, outbox_fault_effect_task

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.celery_worker,
    pytest.mark.usefixtures("need_postgres", "need_redis"),
]

ROOT = Path(__file__).resolve().parents[2]


def _worker(queue_name, log):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "portal",
            "worker",
            "-Q",
            queue_name,
            "--pool=solo",
            "-I",
            "tests.faults.tasks",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
            "-n",
            f"fault-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _attempts(key):
    path = Path(attempts_path(key))
    return len(path.read_text().split()) if path.exists() else 0


def test_a_task_killed_mid_way_is_redelivered_and_its_effect_happens_once(
    settings, queue, tmp_path, capsys
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = BROKER
    key = f"fault-{uuid.uuid4().hex}"
    with transaction.atomic():
        outbox_enqueue(
            outbox_fault_effect_task, kwargs={"key": key, "hold_seconds": 120}, queue=queue
        )
    assert OutboxMessage.objects.get(queue=queue).sent_at is not None

    log1 = open(tmp_path / "worker1.log", "w")
    log2 = open(tmp_path / "worker2.log", "w")
    first = _worker(queue, log1)
    second = None
    try:
        _wait(
            lambda: TaskRun.objects.filter(key=key).exists(),
            60,
            "the first worker to do the effect",
        )
        assert _attempts(key) == 1
        os.killpg(first.pid, signal.SIGKILL)  # mid-task: after the effect, before the ack
        first.wait(10)
        second = _worker(queue, log2)
        _wait(lambda: _attempts(key) >= 2, 60, "the task to be redelivered to a second worker")
        time.sleep(1.5)  # let the second delivery finish
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        log1.close()
        log2.close()
        Path(attempts_path(key)).unlink(missing_ok=True)
    assert TaskRun.objects.filter(key=key).count() == 1
    with capsys.disabled():
        print(
            "\n[faults] worker killed (SIGKILL) mid-task: delivered 2 times, effect applied "
            "1 time (idempotency key)"
        )
