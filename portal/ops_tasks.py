"""Operations tasks: prove that the broker, the worker and beat are alive.

`ops_ping_task` is sent by the smoke test (and by an operator: `celery -A portal call
portal.ops_tasks.ops_ping_task --kwargs '{"token": "x"}'`); `ops_heartbeat_task` runs on
beat's schedule, and /metrics shows its last run, so an alert can fire when beat or every
worker stops.
"""

import os
import socket
import time

from celery import shared_task
from django.core.cache import cache

HEARTBEAT_KEY = "ops:beat-heartbeat"
PING_KEY = "ops:ping:{token}"
PING_TTL = 600


@shared_task(name="portal.ops_tasks.ops_ping_task", ignore_result=True)
def ops_ping_task(*, token: str) -> None:
    cache.set(
        PING_KEY.format(token=token),
        {"host": socket.gethostname(), "pid": os.getpid(), "at": time.time()},
        PING_TTL,
    )


@shared_task(name="portal.ops_tasks.ops_heartbeat_task", ignore_result=True)
def ops_heartbeat_task() -> None:
    cache.set(HEARTBEAT_KEY, {"pid": os.getpid(), "at": time.time()}, timeout=None)
