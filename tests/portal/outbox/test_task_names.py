"""Every task the outbox or beat can name resolves in a fresh web process (embedded mode runs them
eagerly there, and no worker has imported the tasks modules)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
import json, sys
import django
django.setup()
from portal.outbox.services import task_by_name
missing = []
for name in json.loads(sys.argv[1]):
    try:
        task_by_name(name)
    except KeyError:
        missing.append(name)
print(json.dumps(missing))
"""


def _names_sent_by_name() -> set[str]:
    """Every name an outbox row or beat can hold: the beat schedule and every task a worker
    registers (the outbox stores the task's name; the relay finds the task by it)."""
    from portal.celery import app

    app.loader.import_default_modules()
    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    # ours only: a test process also holds tasks that tests register for themselves
    names |= {
        name
        for name in app.tasks
        if name.split(".")[0] in ("portal", "cms", "complaints", "search")
    }
    return names


def test_every_task_sent_by_name_is_found_in_a_fresh_web_process():
    names = sorted(_names_sent_by_name())
    assert "portal.evaluation.tasks.warnings_check_task" in names  # the one that was lost
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(names)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
        },
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
