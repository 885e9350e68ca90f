"""Settings for the Celery worker subprocesses of the fault tests: the test settings with a real
broker and a short visibility timeout, so a killed worker's unacknowledged task comes back in
seconds instead of an hour."""

from portal.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
