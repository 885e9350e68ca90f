"""Chain verifiers. Each app registers a callable returning a list of problems (strings naming
the first broken record of each broken chain); verify_audit runs them all."""

verifiers: dict[str, object] = {}


def register(name):
    def wrap(func):
        verifiers[name] = func
        return func

    return wrap


@register("audit events")
def verify_audit_events():
    """Walk each chain; also a head that no longer matches its last event (a removed tail) and
    events whose chain has lost its head row (a chain the digest would no longer cover)."""
    from .hashing import GENESIS, first_break
    from .models import AuditEvent, ChainHead
    from .services import roundtrip

    problems = []
    heads = dict(ChainHead.objects.values_list("chain", "head_hash"))
    for chain, head_hash in heads.items():
        events = list(AuditEvent.objects.filter(chain=chain).order_by("seq"))
        broken = first_break((e.pk, e.prev_hash, roundtrip(e.payload()), e.hash) for e in events)
        if broken:
            problems.append(f"audit chain {chain}: event id={broken[0]} {broken[1]}")
        elif (events[-1].hash if events else GENESIS) != head_hash:
            problems.append(f"audit chain {chain}: head does not match its last event (removed)")
    orphans = AuditEvent.objects.exclude(chain__in=ChainHead.objects.values("chain"))
    for event in orphans.order_by("pk").only("pk", "chain")[:1]:
        problems.append(f"audit chain {event.chain}: event id={event.pk} has no chain head")
    return problems


@register("sealed records")
def verify_sealed_records():
    from .seals import verify_seals

    return verify_seals()


def chain_heads_digest() -> str:
    """One digest over every chain head, to publish daily (transparency)."""
    import hashlib

    from .models import ChainHead

    h = hashlib.sha256()
    for chain, head in ChainHead.objects.order_by("chain").values_list("chain", "head_hash"):
        h.update(f"{chain}:{head}\n".encode())
    return h.hexdigest()
