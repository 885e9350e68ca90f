"""deploy/env.example names (and comments) every variable the settings read."""

import re

from .conftest import ROOT

READ = re.compile(
    r"""(?:\benv|\benv_bool|\benv_list|\b_int|\b_float|\b_bool|\b_str|\b_json|os\.environ\.get|"""
    r"""os\.getenv|environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def _settings_variables():
    names = {}
    for path in sorted((ROOT / "portal" / "settings").glob("*.py")):
        for match in READ.finditer(path.read_text()):
            names.setdefault(match.group(1), path.name)
    return names


def _example():
    lines = (ROOT / "deploy" / "env.example").read_text().splitlines()
    entries = {}
    for index, line in enumerate(lines):
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]+)=", line)
        if match:
            entries[match.group(1)] = lines[:index]
    return entries


def test_every_settings_variable_is_in_env_example():
    names, example = _settings_variables(), _example()
    assert len(names) > 40  # the scan itself works
    missing = sorted(f"{name} ({where})" for name, where in names.items() if name not in example)
    assert not missing, "add to deploy/env.example with a comment: " + ", ".join(missing)


def test_every_variable_in_env_example_follows_a_comment():
    example = _example()
    for name, before in example.items():
        # the nearest non-variable line above is a comment (blocks of related variables share one)
        previous = next(
            (line for line in reversed(before) if not re.match(r"^[A-Z][A-Z0-9_]+=", line)), ""
        )
        assert previous.startswith("#"), f"{name} has no comment above it"


def test_the_required_production_variables_are_marked():
    example = _example()
    for name in (
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "VOTER_HASH_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "RECEIPT_SIGNING_KEY",
    ):
        comments = []
        for line in reversed(example[name]):
            if not line.startswith("#"):
                break
            comments.append(line)
        assert any("[required]" in line for line in comments), name
