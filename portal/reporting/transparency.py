"""Transparency: each day the digest of every audit chain head is published (page and feed).

Rules owned here: what goes into a day's digest, that a published day is never rewritten, and
that each day's digest covers the day before. Anyone who saved yesterday's value can compare it
with the page; if an earlier audit event had been rewritten, the heads (and so every digest
from then on) would no longer match what was published.

A day's digest = sha256 over the lines
    day:<YYYY-MM-DD>  audit:<chain_heads_digest()>  ratings:<digest of the rating chain heads>
    prev:<the previous day's digest, or 64 zeros>

Since issue 22 the same values are also published per day as a signed JSON document listing
every chain head (/transparency/<day>.json, portal.reporting.published); the digests are
unchanged. Inclusion proofs per receipt: portal.reporting.proofs.
"""

import hashlib
import json
from datetime import date, timedelta

from django.apps import apps
from django.contrib.syndication.views import Feed
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from portal.audit.hashing import GENESIS
from portal.audit.models import DailyHeadDigest
from portal.audit.registry import register

from . import proof_check, published
from .models import PublishedHeads
from .published import day_digest

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


def audit_head_publish(*, now=None) -> DailyHeadDigest:
    """Publish today's digest of every chain head and the signed document listing the heads
    (portal.reporting.published). Idempotent: a day is written once."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    existing = DailyHeadDigest.objects.filter(day=day).first()
    if existing:
        return existing
    from portal.evaluation.sealing import ratings_seal

    ratings_seal()  # the published rating heads cover every rating written before now
    with transaction.atomic():
        prev = DailyHeadDigest.objects.filter(day__lt=day).order_by("-day").first()
        prev_digest = prev.digest if prev else GENESIS
        chains, ratings = published.audit_heads(), published.rating_heads()
        audit = published.audit_digest_of(chains)  # == chain_heads_digest(), same snapshot
        ratings_digest = published.ratings_digest_of(ratings)
        digest = day_digest(
            day=day, audit_digest=audit, ratings_digest=ratings_digest, prev_digest=prev_digest
        )
        document = published.sign(
            {
                "format": published.FORMAT,
                "day": day.isoformat(),
                "published_at": now.isoformat(),
                "chains": chains,
                "rating_chains": ratings,
                "audit_digest": audit,
                "ratings_digest": ratings_digest,
                "prev_digest": prev_digest,
                "previous": f"{prev.day.isoformat()}.json" if prev else None,
                "digest": digest,
            }
        )
        try:
            with transaction.atomic():
                row = DailyHeadDigest.objects.create(
                    day=day,
                    audit_digest=audit,
                    ratings_digest=ratings_digest,
                    chains=len(chains) + len(ratings or []),
                    events=sum(c["length"] for c in chains)
                    + sum(r["length"] for r in ratings or []),
                    prev_digest=prev_digest,
                    digest=digest,
                    created_at=now,
                )
                PublishedHeads.objects.create(
                    day=day, document=json.dumps(document, ensure_ascii=False, sort_keys=True)
                )
                return row
        except IntegrityError:  # a second worker published the same day first
            return DailyHeadDigest.objects.get(day=day)


def publish_recent_days(*, days: int, now=None) -> int:
    """Publish each of the last `days` days (oldest first) that comes after the latest
    published day; a day before an already published one is never inserted (the chain of
    days would break). Idempotent. Returns how many days were published."""
    now = now or timezone.now()
    latest = DailyHeadDigest.objects.order_by("-day").values_list("day", flat=True).first()
    done = 0
    for back in range(days - 1, -1, -1):
        when = now - timedelta(days=back)
        if latest is None or timezone.localdate(when) > latest:
            audit_head_publish(now=when)
            done += 1
    return done


def demo_seed(progress=None):
    """seed_demo: the last 30 days published (idempotent)."""
    publish_recent_days(days=30)


def stored_document(day) -> dict | None:
    row = PublishedHeads.objects.filter(day=day).first()
    return json.loads(row.document) if row else None


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
    days = digest_list()
    documents = set(PublishedHeads.objects.values_list("day", flat=True))
    for row in days:
        row.has_document = row.day in documents
    script_sha256 = hashlib.sha256(proof_check.SCRIPT.read_bytes()).hexdigest()
    return render(
        request,
        "portal/transparency.html",
        {"days": days, "public_key": published.public_key_b64(), "script_sha256": script_sha256},
    )


def transparency_verifier(request):
    """The standalone checker itself, so an outsider needs nothing from us but this file (the
    same code `verify_published` runs; its hash is on the page to compare with other copies)."""
    response = HttpResponse(
        proof_check.SCRIPT.read_bytes(), content_type="text/x-python; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="verify_transparency.py"'
    return response


def _day_or_404(text: str):
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Http404 from None
    document = stored_document(day)
    if document is None:
        raise Http404
    return document


def transparency_day_json(request, day):
    document = _day_or_404(day)
    body = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="transparency-{document["day"]}.json"'
    return response


def transparency_day_page(request, day):
    document = _day_or_404(day)
    return render(request, "portal/transparency_day.html", {"doc": document})


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
    path("verify_transparency.py", transparency_verifier, name="transparency_verifier"),
    path("<str:day>.json", transparency_day_json, name="transparency_day_json"),
    path("<str:day>/", transparency_day_page, name="transparency_day"),
]
