"""Behind nginx every request arrives from the proxy's address. Attack: if rate limits keyed on
REMOTE_ADDR, one client using up its allowance would lock out everyone behind the proxy (and
the allowance would be shared by all). Each client behind a trusted proxy has its own bucket;
a client sending X-Forwarded-For directly cannot pick another's bucket."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def _sign_in(client, forwarded, username="nobody"):
    return client.post(
        "/admin/login/", {"username": username, "password": "x"}, HTTP_X_FORWARDED_FOR=forwarded
    )


@override_settings(
    TRUSTED_PROXIES=[PROXY], SIGN_IN_RATE_LIMIT_NETWORK="3/h", SIGN_IN_RATE_LIMIT_USERNAME="1000/h"
)
def test_two_clients_behind_the_proxy_get_separate_sign_in_buckets():
    cache.clear()
    via_nginx = Client(REMOTE_ADDR=PROXY)
    statuses = [_sign_in(via_nginx, "198.51.100.7", f"user{n}").status_code for n in range(4)]
    assert statuses[-1] == 429  # client A used up its network's allowance
    assert _sign_in(via_nginx, "203.0.113.9", "someone").status_code != 429  # B is not A


@override_settings(
    TRUSTED_PROXIES=[PROXY], SIGN_IN_RATE_LIMIT_NETWORK="3/h", SIGN_IN_RATE_LIMIT_USERNAME="1000/h"
)
def test_a_spoofed_forwarded_for_does_not_escape_the_clients_own_bucket():
    cache.clear()
    direct = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [_sign_in(direct, f"198.51.{n}.7", f"user{n}").status_code for n in range(4)]
    assert statuses[-1] == 429  # a fresh forged address each time changes nothing
