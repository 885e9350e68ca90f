"""The compose stack keeps nothing of the cache role on disk: rate-limit counters and their
(rotating) secret live only in memory, so a copy of a volume or a backup holds none of them."""

import shlex
from urllib.parse import urlparse

import yaml

from .conftest import ROOT

DEPLOY = ROOT / "deploy"


def _compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _env_example():
    values = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def _args(service):
    command = service.get("command") or []
    return shlex.split(command) if isinstance(command, str) else [str(a) for a in command]


def _option(args, name):
    """The value of `--name value` in a redis-server command line (last one wins)."""
    found = None
    for i, arg in enumerate(args):
        if arg == f"--{name}" and i + 1 < len(args):
            found = args[i + 1]
    return found


def _cache_service():
    env = _env_example()
    host = urlparse(env["REDIS_URL"]).hostname
    services = _compose()["services"]
    assert host in services, f"REDIS_URL names {host!r}, not a compose service"
    return host, services[host], services


def test_cache_redis_has_no_persistence():
    host, service, _ = _cache_service()
    args = _args(service)
    assert args and args[0] == "redis-server"
    assert _option(args, "save") == "", "RDB snapshots must be off for the cache role"
    assert _option(args, "appendonly") == "no", "the append-only file must be off"
    mounts = [str(v).split(":")[-1] for v in service.get("volumes", [])]
    assert "/data" not in mounts, "no volume for the cache Redis' data directory"


def test_broker_is_a_separate_redis_instance_from_the_cache():
    host, _, services = _cache_service()
    broker_host = urlparse(_env_example()["CELERY_BROKER_URL"]).hostname
    assert broker_host in services
    assert broker_host != host, "cache and broker share one Redis: one of them is persisted"
    # the app (every container built from x-app, e.g. migrate, which web waits for) needs both
    app_deps = services["migrate"].get("depends_on") or {}
    assert host in app_deps and broker_host in app_deps
