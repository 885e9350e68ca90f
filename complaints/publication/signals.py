"""Signal handlers: keep the statistics cache honest when cases, ratings or outcomes change.

The public statistics are cached under a data version; any write to the counted tables bumps
the version after commit, so the next /stats/ request recomputes from the database. Connected
in PublicationConfig.ready() with lazy model labels (no import of the evaluation app here).
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

STATS_VERSION_KEY = "stats:data-version"
WATCHED = (
    "complaints.Case",
    "evaluation.Rating",
    "evaluation.RatingRevocation",
    "publication.PublishedOutcome",
)


def stats_version() -> str:
    version = cache.get(STATS_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(STATS_VERSION_KEY, version, None)
        version = cache.get(STATS_VERSION_KEY) or version
    return version


def stats_version_bump() -> None:
    """A new version: every cached figure computed before is ignored from now on."""
    cache.set(STATS_VERSION_KEY, uuid.uuid4().hex, None)


def bump_on_change(sender, **kwargs):
    transaction.on_commit(stats_version_bump)


def connect():
    for label in WATCHED:
        post_save.connect(bump_on_change, sender=label, dispatch_uid=f"stats-save-{label}")
        post_delete.connect(bump_on_change, sender=label, dispatch_uid=f"stats-del-{label}")
