"""The client's address: the one function every reader of it uses (rate limits, voter and
network keys, the /metrics allow-list, django-ratelimit's "ip" key).

Rule owned here: behind nginx REMOTE_ADDR is the proxy, so the client comes from
X-Forwarded-For, but only when REMOTE_ADDR is one of settings.TRUSTED_PROXIES (addresses or
CIDRs). The header is walked from the right, skipping trusted proxies; the first untrusted
address is the client. Anything to its left was written by the client and is ignored.
Why: anyone can send an X-Forwarded-For header; trusting it from an untrusted peer would let a
client pick its own rate-limit bucket (and voter network). A malformed header falls back to
REMOTE_ADDR (the header is read from the right, so only the part our proxies wrote counts);
this never raises.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue  # a typo in the environment trusts nothing rather than failing
    return tuple(networks)


def _parse(value: str):
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def in_networks(address: str, entries) -> bool:
    """True when `address` lies in one of `entries` (addresses or CIDRs); False if unparsable."""
    ip = _parse(address)
    if ip is None:
        return False
    return any(ip in network for network in _networks(tuple(entries)))


def is_trusted_proxy(address: str) -> bool:
    return in_networks(address, getattr(settings, "TRUSTED_PROXIES", ()))


def client_address(request) -> str:
    """The client's address as a string (REMOTE_ADDR unless a trusted proxy forwarded it)."""
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    if not is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")]
    for hop in reversed(hops):
        ip = _parse(hop)
        if ip is None:
            # absent or malformed before any untrusted hop: the proxy is all we know. (Garbage a
            # client put at the left of nginx's own entry is never reached.)
            return remote
        if not is_trusted_proxy(str(ip)):
            return str(ip)
    return remote  # every hop is a proxy of ours: no client named


def came_through_proxy(request) -> bool:
    """The request carries forwarding headers (nginx adds them to everything it passes on)."""
    return "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_X_REAL_IP" in request.META
