"""Checking an inclusion proof against a published day: the functions of the standalone
deploy/verify_transparency.py, loaded from that file so there is one implementation.

The script must run with Python's standard library alone, outside this code base, so it is the
source; `manage.py verify_published --proof` and the tests use it through this module. The proof
format is described in portal.reporting.proofs and in the script's docstring.
"""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "verify_transparency.py"


def _load():
    spec = importlib.util.spec_from_file_location("portal_verify_transparency", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


standalone = _load()

PROOF_FORMAT = standalone.PROOF_FORMAT
link_hash = standalone.link_hash
proof_problems = standalone.proof_problems
