"""The beat schedule in the embedded default (`make run`): a small scheduler thread.

Why a thread and not `celery beat` + a worker in-process: the embedded default has no broker
(Celery runs eager, `memory://`), and a memory broker is private to one process, so beat and
a worker would both have to live inside the runserver process anyway, with Celery's worker
pool, signals and shutdown on top of Django's autoreloader. A thread that reads the same
`portal.celery.app.conf.beat_schedule` and runs each due task in-process (`Task.apply`, the
same code the worker runs) gives the demo its deadline sweep, delivery retries, digests and
outbox relay on the same cadence, with nothing more to install or stop.

Where it runs: started by `manage.py runserver` (portal/management/commands/runserver.py) in
the serving process, in embedded mode only (eager Celery on the memory broker); never under
gunicorn (production runs `celery beat` and a worker: deploy/), never in tests (nothing
starts it but runserver; `runserver --noscheduler` turns it off). Like beat, a fresh
scheduler counts from its start: an interval job first runs one interval later, a crontab
job at its next time; a restart does not catch up missed runs.

`EmbeddedScheduler.tick(now)` is one pass (tests call it with an injected clock); the thread
loops over it.
"""

import copy
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.schedules import schedule as interval_schedule
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)

# the longest the thread sleeps between passes (a crontab job is at most this late)
MAX_SLEEP_SECONDS = 30.0


def embedded_mode() -> bool:
    """Eager Celery on the in-process memory broker: nothing else would run the schedule."""
    broker = str(getattr(settings, "CELERY_BROKER_URL", "") or "")
    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)) and broker.startswith(
        "memory://"
    )


@dataclass
class Entry:
    name: str
    task: str
    schedule: object
    kwargs: dict
    last_run_at: datetime


class EmbeddedScheduler:
    """Runs the beat schedule's due tasks in this process. `clock` returns an aware datetime
    (timezone.now by default); `run` runs one task by name (the Celery task's `apply`)."""

    def __init__(
        self,
        beat_schedule: dict | None = None,
        *,
        clock: Callable[[], datetime] = timezone.now,
        run: Callable[[str, dict], object] | None = None,
    ):
        from portal.celery import app

        self.app = app
        if beat_schedule is None:
            beat_schedule = app.conf.beat_schedule
        self.clock = clock
        self.run = run or _apply_task
        start = clock()
        self.entries = [
            Entry(
                name=name,
                task=spec["task"],
                schedule=self._with_clock(spec["schedule"]),
                kwargs=dict(spec.get("kwargs") or {}),
                last_run_at=start,
            )
            for name, spec in beat_schedule.items()
        ]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _with_clock(self, value):
        """The entry's Celery schedule, reading our clock (a float is an interval in seconds)
        and bound to the portal's app: an unbound schedule reads `current_app`'s timezone,
        which is whichever Celery app was created last in this process (a client app built
        elsewhere is UTC, which would move an 08:00 job to 16:00 Beijing time)."""
        if isinstance(value, int | float | timedelta):
            seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
            return interval_schedule(timedelta(seconds=seconds), nowfun=self.clock, app=self.app)
        value = copy.copy(value)
        value.nowfun = self.clock
        value.app = self.app
        return value

    def tick(self) -> tuple[list[str], float]:
        """One pass: run every due entry. Returns the names run and the seconds until the
        next pass is needed (at most MAX_SLEEP_SECONDS)."""
        ran, sleep = [], MAX_SLEEP_SECONDS
        for entry in self.entries:
            due, next_check = entry.schedule.is_due(entry.last_run_at)
            if due:
                entry.last_run_at = self.clock()
                ran.append(entry.name)
                try:
                    self.run(entry.task, entry.kwargs)
                except Exception:  # one failing job must not stop the others
                    logger.exception("embedded scheduler: %s failed", entry.name)
            sleep = min(sleep, max(float(next_check), 0.5))
        return ran, sleep

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(
            target=self._loop, name="embedded-beat-scheduler", daemon=True
        )
        self._thread.start()
        return self._thread

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        logger.info("embedded scheduler: %d periodic jobs", len(self.entries))
        while not self._stop.is_set():
            try:
                _ran, sleep = self.tick()
            except Exception:
                logger.exception("embedded scheduler pass failed")
                sleep = MAX_SLEEP_SECONDS
            finally:
                close_old_connections()  # this thread's own connection, as a worker would
            self._stop.wait(sleep)


def _apply_task(name: str, kwargs: dict):
    """Run one registered Celery task here and now, as a worker would (found by name as the
    outbox relay finds it: the tasks modules are imported on first need)."""
    from portal.outbox.services import task_by_name

    return task_by_name(name).apply(kwargs=kwargs)


def embedded_scheduler_start() -> EmbeddedScheduler | None:
    """Start the scheduler thread if this is the embedded default; None otherwise."""
    if not embedded_mode():
        return None
    scheduler = EmbeddedScheduler()
    scheduler.start()
    return scheduler
