"""Transparency: each day the digest of every audit chain head is published (page and feed).

Rules owned here: what goes into a day's digest, that a published day is never rewritten, and
that each day's digest covers the day before. Anyone who saved yesterday's value can compare it
with the page; if an earlier audit event had been rewritten, the heads (and so every digest
from then on) would no longer match what was published.

A day's digest = sha256 over the lines
    day:<YYYY-MM-DD>  audit:<chain_heads_digest()>  ratings:<digest of the rating chain heads>
    prev:<the previous day's digest, or 64 zeros>
"""

import hashlib

from django.apps import apps
from django.contrib.syndication.views import Feed
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from portal.audit.hashing import GENESIS
from portal.audit.models import ChainHead, DailyHeadDigest
from portal.audit.registry import chain_heads_digest, register

PAGE_DAYS = 90
FEED_DAYS = 30


def rating_heads_digest() -> tuple[str, int, int]:
    """(digest, chains, ratings) over the per-official rating chains, when that app is here."""
    try:
        model = apps.get_model("evaluation", "RatingChainHead")
    except LookupError:
        return "", 0, 0
    h = hashlib.sha256()
    chains = events = 0
    for official_id, seq, head in model.objects.order_by("pk").values_list(
        "pk", "seq", "head_hash"
    ):
        h.update(f"rating:{official_id}:{head}\n".encode())
        chains, events = chains + 1, events + seq
    return h.hexdigest(), chains, events


def day_digest(*, day, audit_digest: str, ratings_digest: str, prev_digest: str) -> str:
    text = (
        f"day:{day.isoformat()}\naudit:{audit_digest}\nratings:{ratings_digest}\n"
        f"prev:{prev_digest}\n"
    )
    return hashlib.sha256(text.encode()).hexdigest()


def audit_head_publish(*, now=None) -> DailyHeadDigest:
    """Publish today's digest of every chain head. Idempotent: a day is written once."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    existing = DailyHeadDigest.objects.filter(day=day).first()
    if existing:
        return existing
    with transaction.atomic():
        prev = DailyHeadDigest.objects.filter(day__lt=day).order_by("-day").first()
        prev_digest = prev.digest if prev else GENESIS
        audit = chain_heads_digest()
        ratings, rating_chains, ratings_count = rating_heads_digest()
        heads = ChainHead.objects.aggregate(n=Sum("seq"))
        try:
            with transaction.atomic():
                return DailyHeadDigest.objects.create(
                    day=day,
                    audit_digest=audit,
                    ratings_digest=ratings,
                    chains=ChainHead.objects.count() + rating_chains,
                    events=(heads["n"] or 0) + ratings_count,
                    prev_digest=prev_digest,
                    digest=day_digest(
                        day=day, audit_digest=audit, ratings_digest=ratings, prev_digest=prev_digest
                    ),
                    created_at=now,
                )
        except IntegrityError:  # a second worker published the same day first
            return DailyHeadDigest.objects.get(day=day)


def digest_list(*, limit=PAGE_DAYS):
    return list(DailyHeadDigest.objects.order_by("-day")[:limit])


@register("daily head digests")
def verify_daily_digests():
    """Every published day still hashes to its digest and points at the day before it."""
    problems, prev_digest = [], GENESIS
    for row in DailyHeadDigest.objects.order_by("day").iterator():
        expected = day_digest(
            day=row.day,
            audit_digest=row.audit_digest,
            ratings_digest=row.ratings_digest,
            prev_digest=row.prev_digest,
        )
        if row.prev_digest != prev_digest:
            problems.append(f"daily digest {row.day}: previous-day digest mismatch")
            break
        if expected != row.digest:
            problems.append(f"daily digest {row.day}: content does not match its digest")
            break
        prev_digest = row.digest
    return problems


# --- public page and feeds -------------------------------------------------------------------
def transparency_page(request):
    return render(request, "portal/transparency.html", {"days": digest_list()})


class DigestAtomFeed(Feed):
    feed_type = Atom1Feed
    link = "/transparency/"

    def title(self):
        return _("审计链每日摘要")

    def subtitle(self):
        return _("每日公布全部审计链（测评、投诉办理）链头的摘要，可与此前保存的值比对。")

    description = subtitle

    def items(self):
        return digest_list(limit=FEED_DAYS)

    def item_title(self, item):
        return f"{item.day.isoformat()} {item.digest}"

    def item_description(self, item):
        return _("摘要 %(digest)s；前一日 %(prev)s；审计链 %(audit)s；测评链 %(ratings)s") % {
            "digest": item.digest,
            "prev": item.prev_digest,
            "audit": item.audit_digest,
            "ratings": item.ratings_digest or "-",
        }

    def item_link(self, item):
        return f"{reverse('transparency')}#day-{item.day.isoformat()}"

    def item_guid(self, item):
        return f"transparency-{item.day.isoformat()}-{item.digest}"

    def item_pubdate(self, item):
        return item.created_at

    item_updateddate = item_pubdate


class DigestRssFeed(DigestAtomFeed):
    feed_type = Rss201rev2Feed


urlpatterns = [
    path("", transparency_page, name="transparency"),
    path("feed/", DigestAtomFeed(), name="transparency_feed"),
    path("rss/", DigestRssFeed(), name="transparency_rss"),
]
