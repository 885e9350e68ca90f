"""Verifier of the per-official rating chains, registered with portal.audit.registry."""

from portal.audit.hashing import GENESIS, link_holds
from portal.audit.seals import seal_register
from portal.audit.services import roundtrip

from .models import (
    CallBack,
    KioskDevice,
    OfficialWarning,
    Rating,
    RatingAppeal,
    RatingChainHead,
    RatingRevocation,
    UnitViolation,
    WarningAction,
)
from .models_review import SuspiciousDismissal

# what each record commits to in its audit-chain entry (portal.audit.seals): every field that
# can move a count, a score, a warning or the office's figures
SEALED = {
    "revocation": (RatingRevocation, ("rating_id", "reason", "actor_id", "created_at")),
    "appeal": (
        RatingAppeal,
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
        CallBack,
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
        UnitViolation,
        ("unit_id", "kind", "note", "occurred_on", "actor_id", "created_at"),
    ),
    "warning": (
        OfficialWarning,
        ("official_id", "level", "period_kind", "period_start", "count", "created_at"),
    ),
    "warning-action": (
        WarningAction,
        ("warning_id", "kind", "actor_id", "done_at", "minutes", "note", "created_at"),
    ),
    # a device's link, lifetime and withdrawal: which kiosk may rate at all
    "kiosk-device": (KioskDevice, ("unit_id", "token_hash", "expires_at", "withdrawn_at")),
    # a dismissal hides a suspicious-pattern flag from the office
    "suspicious-dismissal": (
        SuspiciousDismissal,
        ("kind", "official_id", "key", "reason", "actor_id", "created_at"),
    ),
}


def seals_register() -> None:
    for name, (model, fields) in SEALED.items():
        seal_register(name, model, fields=fields)


_FIELDS = (
    "pk",
    "official_id",
    "unit_id",
    "level",
    "attitude",
    "efficiency",
    "style",
    "reason",
    "anonymous",
    "channel",
    "voter_key",
    "network_key",
    "ticket_id",
    "month",
    "created_at",
    "seq",
    "prev_hash",
    "hash",
    "mac",
)


def verify_rating_chains() -> list[str]:
    """Walk every official's chain in one ordered pass; name the first broken rating of each
    broken chain, and a head that no longer matches its last rating (a deleted tail)."""
    from .sealing import ratings_seal, unsealed_problems

    # the unsealed window first (rows past the bound, rows whose MAC fails), then seal what
    # is due so the walk below covers every rating the application wrote (sealing.py)
    problems = unsealed_problems()
    ratings_seal()
    heads = dict(RatingChainHead.objects.values_list("official_id", "head_hash"))
    current, expected_prev, broken = None, GENESIS, False
    last_hash = {}
    rows = Rating.objects.exclude(hash="").order_by("official_id", "seq").values_list(*_FIELDS)
    for row in rows.iterator(chunk_size=5000):
        values = dict(zip(_FIELDS, row, strict=True))
        official = values["official_id"]
        if official != current:
            current, expected_prev, broken = official, GENESIS, False
        last_hash[official] = values["hash"]
        if broken:
            continue
        rating = Rating(**{k: v for k, v in values.items() if k != "pk"})
        if values["prev_hash"] != expected_prev:
            problems.append(
                f"ratings of official {official}: rating id={values['pk']} previous-hash mismatch"
            )
            broken = True
        elif not link_holds(values["prev_hash"], roundtrip(rating.payload()), values["hash"]):
            problems.append(
                f"ratings of official {official}: rating id={values['pk']} "
                "content does not match its hash"
            )
            broken = True
        expected_prev = values["hash"]
    for official, head in heads.items():
        if last_hash.get(official, GENESIS) != head and not any(
            f"official {official}:" in p for p in problems
        ):
            problems.append(
                f"ratings of official {official}: chain head does not match the "
                "last rating (rating removed)"
            )
    return problems


def verify_sms_sampling() -> list[str]:
    """Service records and SMS invitations per unit against the counts their imports wrote in
    the unit's audit chain (one event per import, counts only: an invitation is not named
    there, so the trail cannot tell who was invited). An invitation added in the database
    would become a rating when its phone replies; a record added or removed moves the
    sampled share."""
    from portal.audit.models import AuditEvent

    from .models import ServiceRecord, SmsInvitation

    audited: dict[int, list[int]] = {}
    events = AuditEvent.objects.filter(
        chain__startswith="sampling:", action="service_records_import"
    ).values_list("object_id", "after")
    for unit_id, after in events.iterator(chunk_size=2000):
        counts = audited.setdefault(int(unit_id), [0, 0])
        counts[0] += int(after.get("created", 0))
        counts[1] += int(after.get("invited", 0))
    stored: dict[int, list[int]] = {}
    for unit_id in ServiceRecord.objects.values_list("unit_id", flat=True).iterator():
        stored.setdefault(unit_id, [0, 0])[0] += 1
    for unit_id in SmsInvitation.objects.values_list("record__unit_id", flat=True).iterator():
        stored.setdefault(unit_id, [0, 0])[1] += 1
    problems = []
    for unit_id in sorted(set(audited) | set(stored)):
        for index, name in ((0, "service records"), (1, "sms invitations")):
            diff = stored.get(unit_id, [0, 0])[index] - audited.get(unit_id, [0, 0])[index]
            if diff:
                word = "more" if diff > 0 else "fewer"
                problems.append(
                    f"{name} of unit {unit_id}: {abs(diff)} {word} than the audited imports"
                )
    return problems
