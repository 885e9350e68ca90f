"""Fault tests need the real services: PostgreSQL for the database, Redis for the broker.
They are skipped, with the reason, when either is not reachable."""

import socket
import uuid

import pytest
from django.db import connection

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
BROKER = f"redis://{REDIS_HOST}:{REDIS_PORT}/15"  # a database of its own, away from the app's
CLOSED_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def redis_up() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def need_redis():
    if not redis_up():
        pytest.skip(f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT}")


@pytest.fixture
def need_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")


@pytest.fixture
def queue():
    """A queue name of its own, deleted afterwards."""
    import redis

    name = f"outbox-fault-{uuid.uuid4().hex[:10]}"
    yield name
    if redis_up():
        redis.Redis.from_url(BROKER).delete(name)


def queue_length(name: str) -> int:
    import redis

    return redis.Redis.from_url(BROKER).llen(name)


@pytest.fixture
def app_broker():
    """Point the Celery app's own connection (used by the apps' .delay calls) at a broker URL
    for one test, then back."""
    from portal.celery import app

    def close_pools():
        from kombu import pools

        pools.reset()  # kombu keeps producer pools per connection in a global registry
        app._pool = None
        app.amqp._producer_pool = None

    before = app.conf.broker_url

    def use(url):
        close_pools()
        app.conf.broker_url = url

    yield use
    close_pools()
    app.conf.broker_url = before
