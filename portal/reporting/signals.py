"""The statistics cache version and the signal handlers that keep it honest.

The public statistics (/stats/) are cached under a data version; any write to a counted table
(cases, ratings, revocations, published outcomes) bumps the version after commit, so the next
request recomputes from the database. The reporting side owns this because it is the one that
reads across both domains; the domains need not know their writes are counted. Connected in
ReportingConfig.ready() with lazy model labels.
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
