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
    from .hashing import first_break
    from .models import AuditEvent, ChainHead
    from .services import roundtrip

    problems = []
    for chain in ChainHead.objects.values_list("chain", flat=True).iterator():
        events = AuditEvent.objects.filter(chain=chain).order_by("seq")
        broken = first_break(
            (e.pk, e.prev_hash, roundtrip(e.payload()), e.hash) for e in events.iterator()
        )
        if broken:
            problems.append(f"audit chain {chain}: event id={broken[0]} {broken[1]}")
    return problems


def chain_heads_digest() -> str:
    """One digest over every chain head, to publish daily (transparency)."""
    import hashlib

    from .models import ChainHead

    h = hashlib.sha256()
    for chain, head in ChainHead.objects.order_by("chain").values_list("chain", "head_hash"):
        h.update(f"{chain}:{head}\n".encode())
    return h.hexdigest()
