"""The shape of the code base (STYLE.md "Layout and direction of imports"), checked with `ast`.

The import graph of our own packages counts every import, at module level or deferred inside a
function (a deferred import that closes a cycle still ties the two modules), except under
`if TYPE_CHECKING`; relative imports are resolved; migrations and tests are skipped. On it:
no import cycle, no module over 500 lines, no private name imported from another module, and
portal.core imports nothing of ours. The layers themselves are import-linter's job
(`lint-imports`, configured in pyproject.toml). The checker is tested on a small synthetic tree
first, so a failure on the real tree is a finding, not a bug of the checker.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "cms", "complaints", "search")
CORE = "portal.core"
MAX_LINES = 500


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str  # the module of ours the import resolves to
    name: str | None  # for `from x import name`: the name imported
    line: int

    def __str__(self):
        what = f"{self.imported}.{self.name}" if self.name else self.imported
        return f"{self.importer} (l.{self.line}) -> {what}"


def module_files(root: Path, packages=PACKAGES) -> dict[str, Path]:
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root)
            if "migrations" in rel.parts or "tests" in rel.parts:
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module):
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            skipped.update(id(n) for statement in node.body for n in ast.walk(statement))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in skipped:
            yield node


def _ours(name: str, modules) -> str | None:
    """The longest prefix of the dotted `name` that is one of our modules."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_edges(modules: dict[str, Path]) -> list[Edge]:
    edges = []
    for importer, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _imports(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if target := _ours(alias.name, modules):
                        edges.append(Edge(importer, target, None, node.lineno))
                continue
            if node.level:
                base = importer.split(".")
                if path.name != "__init__.py":
                    base.pop()
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in modules:
                    edges.append(Edge(importer, submodule, alias.name, node.lineno))
                elif target := _ours(source, modules):
                    edges.append(Edge(importer, target, alias.name, node.lineno))
    return edges


def cycles(modules, edges) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    graph = {m: sorted({e.imported for e in edges if e.importer == m} - {m}) for m in modules}
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def big_modules(modules, max_lines=MAX_LINES) -> list[tuple[str, int]]:
    sizes = (
        (name, len(path.read_text(encoding="utf-8").splitlines())) for name, path in modules.items()
    )
    return sorted((name, lines) for name, lines in sizes if lines > max_lines)


def private_imports(edges) -> list[Edge]:
    """`from x import _y` where x is another of our modules (`from . import _y` too)."""
    return [
        e
        for e in edges
        if e.name
        and e.name.startswith("_")
        and not e.name.startswith("__")
        and e.imported != e.importer
    ]


def core_imports_of_ours(edges, core=CORE) -> list[Edge]:
    def inside(module):
        return module == core or module.startswith(core + ".")

    return [e for e in edges if inside(e.importer) and not inside(e.imported)]


# -- the checker, on a synthetic tree ---------------------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return module_files(root, ("app", "lib"))


CLEAN = {
    "app/__init__.py": "",
    "app/models.py": "from lib.text import clean\n",
    "app/views.py": (
        "from . import models\nfrom .models import clean\n\n\ndef view():\n    from lib import text\n"
    ),
    "app/sub/__init__.py": "from ..models import clean\n",
    "app/migrations/0001_initial.py": "from app.views import view\n",
    "lib/__init__.py": "",
    "lib/text.py": (
        "import os\nfrom typing import TYPE_CHECKING\n\n"
        "if TYPE_CHECKING:\n    from app.models import clean\n\n\ndef clean():\n    pass\n"
    ),
}


def test_checker_resolves_relative_and_deferred_imports_and_skips_type_checking(tmp_path):
    modules = _tree(tmp_path, CLEAN)
    edges = import_edges(modules)

    assert "app.migrations.0001_initial" not in modules
    assert {(e.importer, e.imported) for e in edges} == {
        ("app.models", "lib.text"),
        ("app.views", "app.models"),
        ("app.views", "lib.text"),
        ("app.sub", "app.models"),
    }
    assert cycles(modules, edges) == []
    assert big_modules(modules) == []
    assert private_imports(edges) == []
    assert core_imports_of_ours(edges, core="lib") == []


def test_checker_finds_a_cycle_closed_by_a_deferred_import(tmp_path):
    modules = _tree(
        tmp_path,
        CLEAN | {"lib/text.py": "def clean():\n    from app import views\n"},
    )

    assert cycles(modules, import_edges(modules)) == [["app.models", "app.views", "lib.text"]]


def test_checker_finds_a_module_over_500_lines(tmp_path):
    modules = _tree(
        tmp_path, CLEAN | {"lib/big.py": "x = 1\n" * 501, "lib/fits.py": "x = 1\n" * 500}
    )

    assert big_modules(modules) == [("lib.big", 501)]


def test_checker_finds_private_names_imported_from_another_module(tmp_path):
    modules = _tree(
        tmp_path,
        CLEAN
        | {
            "app/_helpers.py": "",
            "app/views.py": "from . import _helpers\nfrom lib.text import _clean as clean, __all__\n",
            "app/forms.py": "from .models import clean as _clean\n",
        },
    )

    found = {(e.importer, e.imported, e.name) for e in private_imports(import_edges(modules))}

    assert found == {("app.views", "app._helpers", "_helpers"), ("app.views", "lib.text", "_clean")}


def test_checker_finds_core_importing_the_rest(tmp_path):
    modules = _tree(
        tmp_path, CLEAN | {"lib/text.py": "import lib\n\n\ndef f():\n    import app.models\n"}
    )

    edges = core_imports_of_ours(import_edges(modules), core="lib")

    assert [(e.importer, e.imported) for e in edges] == [("lib.text", "app.models")]


# -- the real tree (these fail until the re-zoning of issue 13 is complete) -------------------


@pytest.fixture(scope="module")
def project():
    modules = module_files(ROOT)
    return modules, import_edges(modules)


def _listing(items):
    return "\n" + "\n".join(str(item) for item in items)


def test_no_import_cycles(project):
    found = cycles(*project)

    assert not found, _listing(" <-> ".join(component) for component in found)


def test_no_module_over_500_lines(project):
    found = big_modules(project[0])

    assert not found, _listing(f"{name} ({lines} lines)" for name, lines in found)


def test_no_private_name_imported_from_another_module(project):
    found = private_imports(project[1])

    assert not found, _listing(found)


def test_core_imports_nothing_of_ours(project):
    found = core_imports_of_ours(project[1])

    assert not found, _listing(found)
