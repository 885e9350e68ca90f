"""Signal handlers: keep the statistics cache honest when cases, ratings or outcomes change,
and the search index when a closed case's publication decision changes.

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


def reindex_on_case_save(sender, instance, **kwargs):
    """A closed case's publication decision may change after its outcome went out (不公开):
    reload its outcome in the search index after commit; the loader drops what is not public."""
    if instance.state != "closed":
        return
    from search import api as search_api

    from .models import PublishedOutcome
    from .search_documents import DOC_TYPE

    ids = list(PublishedOutcome.objects.filter(case_id=instance.pk).values_list("pk", flat=True))
    if ids:
        search_api.index_on_commit(DOC_TYPE, ids)


def connect():
    post_save.connect(
        reindex_on_case_save,
        sender="complaints.Case",
        dispatch_uid="publication-reindex-on-case-save",
    )
    for label in WATCHED:
        post_save.connect(bump_on_change, sender=label, dispatch_uid=f"stats-save-{label}")
        post_delete.connect(bump_on_change, sender=label, dispatch_uid=f"stats-del-{label}")
