"""The one client-address function: X-Forwarded-For counts only from a trusted proxy."""

import pytest
from django.test import RequestFactory, override_settings

from portal.core.netaddr import client_address
from portal.core.ratelimit import client_key

PROXY = "10.0.0.2"


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@override_settings(TRUSTED_PROXIES=[PROXY, "172.16.0.0/12"])
@pytest.mark.parametrize(
    "remote, forwarded, client",
    [
        # through nginx: the forwarded client
        (PROXY, "198.51.100.7", "198.51.100.7"),
        # a client's own X-Forwarded-For is passed on by nginx at the left: ignored
        (PROXY, "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        # two proxies of ours (a CIDR): both skipped from the right
        (PROXY, "198.51.100.7, 172.18.0.5", "198.51.100.7"),
        # garbage a client wrote at the left is never reached
        (PROXY, "garbage, 198.51.100.7", "198.51.100.7"),
        # a malformed or missing header from the proxy: the proxy is all we know
        (PROXY, "not-an-address", PROXY),
        (PROXY, "", PROXY),
        (PROXY, None, PROXY),
        (PROXY, "198.51.100.7,,", PROXY),
        # spoofed by an untrusted client: ignored
        ("203.0.113.9", "198.51.100.7", "203.0.113.9"),
        # every hop trusted: nobody is named, the proxy stays
        (PROXY, "172.18.0.5", PROXY),
        # IPv6 clients
        (PROXY, "2001:db8::1", "2001:db8::1"),
        ("2001:db8::9", "198.51.100.7", "2001:db8::9"),
    ],
)
def test_client_address_trusts_forwarding_only_from_a_trusted_proxy(remote, forwarded, client):
    assert client_address(_request(remote, forwarded)) == client


@override_settings(TRUSTED_PROXIES=[])
def test_no_trusted_proxy_by_default_means_remote_addr():
    assert client_address(_request(PROXY, "198.51.100.7")) == PROXY


@override_settings(TRUSTED_PROXIES=["not a network", PROXY])
def test_a_typo_in_trusted_proxies_trusts_nothing_more_and_never_raises():
    assert client_address(_request(PROXY, "198.51.100.7")) == "198.51.100.7"
    assert client_address(_request("", "198.51.100.7")) == ""


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_a_request_through_the_proxy_is_keyed_by_the_forwarded_client():
    a1 = client_key("g", _request(PROXY, "198.51.100.7"))
    a2 = client_key("g", _request("198.51.100.7"))
    b = client_key("g", _request(PROXY, "203.0.113.9"))
    assert a1 == a2 and a1 != b


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_a_spoofed_forwarded_for_from_an_untrusted_client_is_ignored():
    spoofed = client_key("g", _request("203.0.113.9", "198.51.100.7"))
    assert spoofed == client_key("g", _request("203.0.113.9"))
    assert spoofed != client_key("g", _request("198.51.100.7"))
