"""A task for the fault tests only: it does its effect once per key, then (on its first
delivery) waits long enough to be killed, so the redelivered copy must find the key done.

Not production code: the worker the fault tests start imports it (`-I tests.faults.tasks`)."""

import os
import time

from celery import shared_task


def attempts_path(key: str) -> str:
    return f"/tmp/outbox-fault-{key}.attempts"


@shared_task(
    name="tests.faults.tasks.outbox_fault_effect_task", acks_late=True, reject_on_worker_lost=True
)
def outbox_fault_effect_task(*, key: str, hold_seconds: int = 30):
    from portal.outbox.services import task_once

    path = attempts_path(key)
    with open(path, "a") as fh:
        fh.write(f"{os.getpid()}\n")
    with open(path) as fh:
        first = len(fh.read().split()) == 1
    with task_once(key=key, task_name="outbox_fault_effect_task") as do_it:
        done = bool(do_it)
    if first:
        time.sleep(hold_seconds)  # killed here by the test: the message is not yet acked
    return done
