"""The statistics cache version, the public page versions, and the signal handlers that keep
them honest.

The public statistics (/stats/) are cached under a data version; any write to a counted table
(cases, ratings, revocations, published outcomes) bumps the version after commit, so the next
request recomputes from the database — and the cached /stats/ pages with it (page version
"stats", portal.core.pagecache).
Every other cached public page (home, roster, profiles, news, results, rankings) is stored
under the page version "public", bumped after commit by any write that changes what they show:
a page, snippet, image or site setting in Wagtail (apps PUBLIC_APPS, drafts included: over-
invalidation costs a render, never a wrong page) and the records in PUBLIC_WATCHED. A new
rating does not bump it: public counts are of closed days only (issue 14) and the page key
carries the date.
The reporting side owns this because it is the one that reads across both domains; the
domains need not know their writes are shown. Connected in ReportingConfig.ready().
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from portal.core.pagecache import version_bump

STATS_VERSION_KEY = "stats:data-version"
WATCHED = (
    "complaints.Case",
    "complaints.HandlingMeasure",
    "evaluation.Rating",
    "evaluation.RatingRevocation",
    "publication.PublishedOutcome",
)
PUBLIC_APPS = {"cms", "wagtailcore", "wagtailimages", "wagtaildocs", "wagtailredirects"}
PUBLIC_WATCHED = {
    "evaluation.RatingRevocation",
    "evaluation.RatingAppeal",
    "evaluation.OfficialWarning",
    "evaluation.WarningAction",
    "evaluation.UnitViolation",
    "publication.PublishedOutcome",
    "audit.DailyHeadDigest",  # /transparency/ (red team: the 00:05 digest stayed unseen)
    # shown with a published result (measures, naming notices, 回头看 findings)
    "complaints.HandlingMeasure",
    "complaints.FollowUp",
}


def stats_version() -> str:
    version = cache.get(STATS_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(STATS_VERSION_KEY, version, None)
        version = cache.get(STATS_VERSION_KEY) or version
    return version


def stats_version_bump() -> None:
    """A new version: every cached figure computed before is ignored from now on."""
    version_bump("stats", also={STATS_VERSION_KEY: uuid.uuid4().hex})  # one round trip


def bump_on_change(sender, **kwargs):
    transaction.on_commit(stats_version_bump)


def _public_bump():
    version_bump("public")


def public_on_change(sender, **kwargs):
    meta = getattr(sender, "_meta", None)
    if meta and (meta.app_label in PUBLIC_APPS or meta.label in PUBLIC_WATCHED):
        transaction.on_commit(_public_bump)


def connect():
    post_save.connect(public_on_change, dispatch_uid="pages-public-save")
    post_delete.connect(public_on_change, dispatch_uid="pages-public-delete")
    for label in WATCHED:
        post_save.connect(bump_on_change, sender=label, dispatch_uid=f"stats-save-{label}")
        post_delete.connect(bump_on_change, sender=label, dispatch_uid=f"stats-del-{label}")
