"""The lock files agree with pyproject.toml, and the image and `make venv` install from them."""

import re
import tomllib

import pytest
from packaging.requirements import Requirement

from .conftest import ROOT

RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock(path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) for every requirement of a pip-compile lock."""
    entries = {}
    for block in re.split(r"\n(?=\S)", path.read_text()):
        head = re.match(r"([A-Za-z0-9][A-Za-z0-9_.-]*)==(\S+)", block)
        if head:
            entries[_name(head.group(1))] = (head.group(2), block.count("--hash=sha256:"))
    return entries


def _pins(extra=None) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["optional-dependencies"][extra] if extra else project["dependencies"]
    pins = {}
    for line in lines:
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{line}: pyproject.toml pins exact versions"
        pins[_name(requirement.name)] = spec.version
    return pins


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=lambda p: p.name)
def test_every_locked_requirement_carries_a_hash(lock):
    entries = _lock(lock)

    assert len(entries) > 50
    assert [name for name, (_, hashes) in entries.items() if not hashes] == []


def test_the_locks_hold_the_versions_pyproject_pins():
    runtime, dev = _lock(RUNTIME_LOCK), _lock(DEV_LOCK)

    for name, version in _pins().items():
        assert runtime.get(name, (None,))[0] == version, name
        assert dev.get(name, (None,))[0] == version, name
    for name, version in _pins("dev").items():
        assert dev.get(name, (None,))[0] == version, name
        assert name not in runtime, f"{name} is a dev tool, not for the image"


def test_the_dev_lock_holds_the_runtime_lock_unchanged():
    runtime, dev = _lock(RUNTIME_LOCK), _lock(DEV_LOCK)

    assert {name: dev.get(name, (None,))[0] for name in runtime} == {
        name: version for name, (version, _) in runtime.items()
    }


def test_the_image_installs_the_runtime_lock_with_hashes_then_the_project_alone():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()

    assert "COPY requirements.lock ./" in dockerfile
    lock_step = dockerfile.index("pip install --require-hashes -r requirements.lock")
    assert dockerfile.index("pip install --no-deps -e .") > lock_step
    assert not re.search(r"pip install (?!--require-hashes|--no-deps)", dockerfile)


def test_make_venv_installs_the_dev_lock_and_reinstalls_when_it_changes():
    makefile = (ROOT / "Makefile").read_text()

    assert "LOCK := requirements-dev.lock" in makefile
    assert re.search(r"^\$\(STAMP\): pyproject\.toml \$\(LOCK\)$", makefile, re.M)
    assert "cat pyproject.toml $(LOCK) | sha1sum" in makefile
    assert "pip install -q --require-hashes -r $(LOCK)" in makefile
    assert "pip install -q --no-deps -e ." in makefile
