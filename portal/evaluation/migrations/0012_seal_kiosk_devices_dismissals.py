"""Seal the kiosk devices and suspicious-flag dismissals made before they were sealed kinds
(issue 17 red team): one "seal_existing" audit event per record, as 0008 did for the office
records; records already sealed are skipped, so the migration is safe to re-run."""

import json

from django.db import migrations
from django.utils import timezone

from portal.audit.hashing import GENESIS, canonical, link_hash
from portal.audit.seals import SealedKind, content_hash

# name: (model, fields, chain of a row) -- the same as portal.evaluation.verify.SEALED
KINDS = {
    "kiosk-device": (
        "kioskdevice",
        ("unit_id", "token_hash", "expires_at", "withdrawn_at"),
        lambda values: f"kiosk:{values['unit_id']}",
    ),
    "suspicious-dismissal": (
        "suspiciousdismissal",
        ("kind", "official_id", "key", "reason", "actor_id", "created_at"),
        lambda values: f"rating-office:{values['official_id']}",
    ),
}


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    sealed = set()
    for (after,) in AuditEvent.objects.filter(after__has_key="seal").values_list("after"):
        seal = after.get("seal") or {}
        sealed.add((str(seal.get("kind")), str(seal.get("id"))))
    now = timezone.now()
    for name, (model_name, fields, chain_for) in KINDS.items():
        model = apps.get_model("evaluation", model_name)
        kind = SealedKind(name, model, fields)
        for values in model._base_manager.order_by("pk").values("pk", *fields).iterator():
            pk = values["pk"]
            if (name, str(pk)) in sealed:
                continue
            seal = {"kind": name, "id": pk, "hash": content_hash(kind, pk, values)}
            chain = chain_for(values)
            ChainHead.objects.get_or_create(chain=chain, defaults={"head_hash": GENESIS})
            head = ChainHead.objects.select_for_update().get(chain=chain)
            event = {
                "chain": chain,
                "seq": head.seq + 1,
                "actor": None,
                "actor_label": "migration",
                "action": "seal_existing",
                "object_type": f"evaluation.{model_name}",
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
        ("evaluation", "0011_suspicious_dismissal"),
        ("audit", "0003_append_only_trigger"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
