"""Rate-limit keys, built one way for every limit (complaint and rating forms, Open311, phone
codes, staff sign-in).

Rules owned here: the client is portal.core.netaddr.client_address (never REMOTE_ADDR read
directly); a per-client key counts one IPv4 address or one IPv6 /64 (a host usually holds a
whole /64, so single IPv6 addresses would be free to rotate); a per-network key counts the IPv4
/24 or IPv6 /64 (staff sign-in, so a guesser cannot walk through neighbouring addresses).
Why keyed hashes: anonymity is a promise. Every key is an HMAC with VOTER_HASH_KEY, per-client
keys also with the current day, so a key cannot be reversed and changes daily; django-ratelimit
keeps it only in the cache with a short expiry. The raw address is never stored or logged.
"""

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.utils import timezone

from .netaddr import client_address


def keyed(kind: str, value: str) -> str:
    """The cache key for `value` counted under `kind`: an HMAC, never the value itself."""
    digest = hmac.new(settings.VOTER_HASH_KEY.encode(), f"{kind}|{value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def _prefix(address: str, *, v4: int, v6: int) -> str:
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "")[:64]
    prefix = v4 if ip.version == 4 else v6
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def client_network(address: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) around an address; the address itself if unparsable."""
    return _prefix(address, v4=24, v6=64)


def client_bucket(address: str) -> str:
    """One IPv4 address or the IPv6 /64 it lies in."""
    return _prefix(address, v4=32, v6=64)


def client_key(group, request) -> str:
    """django-ratelimit key function: one bucket per client and day."""
    day = timezone.now().strftime("%Y%m%d")
    return keyed(f"{group}|{day}", client_bucket(client_address(request)))


def network_key(request) -> str:
    """One bucket per client network (no day: sign-in limits are per hour)."""
    return keyed("net", client_network(client_address(request)))
