"""Seal the office records that existed before issue 17 (revocations, appeals, call-backs,
violations, warnings and their handling, rule settings) into their audit chains, so that
verify_audit checks them from now on (portal.audit.seals). One audit event per record, by
"migration"; records already sealed are skipped, so the migration is safe to re-run."""

import json

from django.db import migrations
from django.utils import timezone

from portal.audit.hashing import GENESIS, canonical, link_hash
from portal.audit.seals import SealedKind, content_hash

# name: (app, model, fields, chain of a row)
KINDS = {
    "revocation": (
        "evaluation",
        "ratingrevocation",
        ("rating_id", "reason", "actor_id", "created_at"),
    ),
    "appeal": (
        "evaluation",
        "ratingappeal",
        (
            "rating_id",
            "appellant_id",
            "grounds",
            "status",
            "created_at",
            "decided_by_id",
            "decided_at",
            "decision_reason",
        ),
    ),
    "callback": (
        "evaluation",
        "callback",
        (
            "rating_id",
            "kind",
            "due_at",
            "created_at",
            "reached",
            "verified_true",
            "resolved",
            "note",
            "recorded_by_id",
            "recorded_at",
        ),
    ),
    "violation": (
        "evaluation",
        "unitviolation",
        ("unit_id", "kind", "note", "occurred_on", "actor_id", "created_at"),
    ),
    "warning": (
        "evaluation",
        "officialwarning",
        ("official_id", "level", "period_kind", "period_start", "count", "created_at"),
    ),
    "warning-action": (
        "evaluation",
        "warningaction",
        ("warning_id", "kind", "actor_id", "done_at", "minutes", "note", "created_at"),
    ),
    "rules": (
        "cms",
        "portalsettings",
        (
            "site_id",
            "warning_iii_month",
            "warning_iii_year",
            "warning_ii_month",
            "warning_ii_year",
            "warning_i_month",
            "warning_i_year",
            "case_deadline_working_days",
            "callback_hours",
            "qr_radius_meters",
            "ranking_min_ratings",
            "ranking_public",
        ),
    ),
}


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    Rating = apps.get_model("evaluation", "Rating")
    OfficialWarning = apps.get_model("evaluation", "OfficialWarning")
    sealed = set()
    for (after,) in AuditEvent.objects.filter(after__has_key="seal").values_list("after"):
        seal = after.get("seal") or {}
        sealed.add((str(seal.get("kind")), str(seal.get("id"))))
    official_of_rating = {}
    official_of_warning = dict(OfficialWarning.objects.values_list("pk", "official_id"))

    def chain_for(name, values):
        if name in ("revocation", "appeal", "callback"):
            rating_id = values["rating_id"]
            if rating_id not in official_of_rating:
                official_of_rating[rating_id] = (
                    Rating.objects.filter(pk=rating_id).values_list("official_id", flat=True).get()
                )
            return f"rating-office:{official_of_rating[rating_id]}"
        if name == "violation":
            return f"unit-score:{values['unit_id']}"
        if name == "warning":
            return f"warning:{values['official_id']}"
        if name == "warning-action":
            return f"warning:{official_of_warning[values['warning_id']]}"
        return f"rules:{values['site_id']}"

    now = timezone.now()
    for name, (app, model_name, fields) in KINDS.items():
        model = apps.get_model(app, model_name)
        kind = SealedKind(name, model, fields)
        for values in model._base_manager.order_by("pk").values("pk", *fields).iterator():
            pk = values["pk"]
            if (name, str(pk)) in sealed:
                continue
            seal = {"kind": name, "id": pk, "hash": content_hash(kind, pk, values)}
            chain = chain_for(name, values)
            ChainHead.objects.get_or_create(chain=chain, defaults={"head_hash": GENESIS})
            head = ChainHead.objects.select_for_update().get(chain=chain)
            event = {
                "chain": chain,
                "seq": head.seq + 1,
                "actor": None,
                "actor_label": "migration",
                "action": "seal_existing",
                "object_type": f"{app}.{model_name}",
                "object_id": str(pk),
                "before": {},
                "after": {"seal": seal},
                "created_at": now,
            }
            digest = link_hash(head.head_hash, json.loads(canonical(event)))
            AuditEvent.objects.create(
                chain=chain,
                seq=event["seq"],
                actor=None,
                actor_label="migration",
                action="seal_existing",
                object_type=event["object_type"],
                object_id=event["object_id"],
                before={},
                after={"seal": seal},
                created_at=now,
                prev_hash=head.head_hash,
                hash=digest,
            )
            head.seq, head.head_hash = event["seq"], digest
            head.save(update_fields=["seq", "head_hash", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0007_private_files"),
        ("audit", "0003_append_only_trigger"),
        ("cms", "0002_portalsettings_ranges_help"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
