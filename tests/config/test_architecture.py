"""The layers import one way: core ← influencers ← vision ← vetting ← api / frontend.

Every module of the six packages (migrations aside) is parsed, imports inside functions and
under `if TYPE_CHECKING:` included, since a deferred import couples the packages just the same.
A package may import only packages of its own rank or below; api and frontend, of one rank,
never import each other. `config` (settings, URLs, the Celery app) wires the packages together
and is outside the rule. No module may hide an import of our packages behind
`except ImportError`: a missing layer must fail loudly, not switch a feature off.

The checks are functions of source text, so the tests below also feed them snippets that break
the rule and prove that they say so.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RANK = {"core": 0, "influencers": 1, "vision": 2, "vetting": 3, "api": 4, "frontend": 4}
OURS = set(RANK) | {"config"}
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}


@dataclass(frozen=True)
class Import:
    """An import of one of our packages in a module of another (or the same) package."""

    file: str
    line: int
    package: str
    statement: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.statement}"


def _package_of(file: str) -> str:
    return Path(file).parts[0]


def _imported_modules(node: ast.AST, file: str) -> list[str]:
    """The absolute module names an import statement names (relative ones resolved from `file`)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level == 0:
            return [node.module or ""]
        here = list(Path(file).with_suffix("").parts)
        if here[-1] == "__init__":
            here = here[:-1]
        base = here[: len(here) - node.level]
        return [".".join([*base, node.module] if node.module else base)]
    return []


def _imports_in(tree: ast.AST, file: str) -> list[Import]:
    return [
        Import(file, node.lineno, module.split(".")[0], ast.unparse(node))
        for node in ast.walk(tree)
        for module in _imported_modules(node, file)
        if module.split(".")[0] in OURS
    ]


def imports_of(file: str, source: str) -> list[Import]:
    """Every import of our packages in the module `file` (a path from the repository root),
    wherever it stands in the module."""
    return _imports_in(ast.parse(source, filename=file), file)


def wrong_way_imports(file: str, source: str) -> list[Import]:
    """The imports of `file` that point up the layers, or across between api and frontend."""
    own = _package_of(file)
    wrong = []
    for imported in imports_of(file, source):
        if imported.package == "config" or imported.package == own:
            continue
        if RANK[imported.package] >= RANK[own]:
            wrong.append(imported)
    return wrong


def guarded_imports(file: str, source: str) -> list[Import]:
    """Imports of our packages inside a `try` whose handlers catch ImportError."""

    def catches_import_error(handler: ast.ExceptHandler) -> bool:
        if handler.type is None:
            return True  # a bare except swallows ImportError too
        names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        return any(isinstance(n, ast.Name) and n.id in IMPORT_ERRORS for n in names)

    guarded = []
    for node in ast.walk(ast.parse(source, filename=file)):
        if isinstance(node, ast.Try) and any(catches_import_error(h) for h in node.handlers):
            guarded += _imports_in(ast.Module(body=node.body, type_ignores=[]), file)
    return guarded


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle of the package graph, each as the path that closes it (a → b → a)."""
    found = []

    def visit(node: str, path: list[str]) -> None:
        for successor in sorted(graph.get(node, ())):
            if successor == path[0]:
                found.append([*path, successor])
            elif successor not in path and successor > path[0]:  # each cycle once, from its smallest node
                visit(successor, [*path, successor])

    for start in sorted(graph):
        visit(start, [start])
    return found


def project_modules() -> dict[str, str]:
    """{path from the repository root: source} of every module of the six packages."""
    modules = {}
    for package in RANK:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" not in relative.parts:
                modules[relative.as_posix()] = path.read_text(encoding="utf-8")
    return modules


def package_graph(modules: dict[str, str]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {package: set() for package in RANK}
    for file, source in modules.items():
        own = _package_of(file)
        graph[own] |= {i.package for i in imports_of(file, source) if i.package not in (own, "config")}
    return graph


# --- the project -------------------------------------------------------------------------------


def test_every_import_points_down_the_layers():
    modules = project_modules()
    assert len(modules) > 150 and {_package_of(f) for f in modules} == set(RANK)  # the scan sees every package
    wrong = [str(i) for file, source in modules.items() for i in wrong_way_imports(file, source)]
    assert not wrong, "imports against the layers (core ← influencers ← vision ← vetting ← api/frontend):\n" + (
        "\n".join(wrong)
    )


def test_no_two_packages_import_each_other():
    graph = package_graph(project_modules())
    assert graph["vetting"] >= {"core", "influencers", "vision"}  # the graph holds the real arrows
    assert not cycles(graph), cycles(graph)


def test_no_import_of_our_packages_is_guarded_by_except_import_error():
    guarded = [str(i) for file, source in project_modules().items() for i in guarded_imports(file, source)]
    assert not guarded, "imports of our packages that would fail silently:\n" + "\n".join(guarded)


# --- the checks themselves -----------------------------------------------------------------------


def test_an_upward_import_inside_a_function_is_reported_with_file_and_line():
    source = (
        "import datetime\n"
        "\n"
        "from core.errors import InputError\n"
        "\n"
        "\n"
        "def brands():\n"
        "    from vetting.models import Brand\n"
    )
    wrong = wrong_way_imports("influencers/selectors/creators.py", source)
    assert [str(i) for i in wrong] == ["influencers/selectors/creators.py:7: from vetting.models import Brand"]


def test_api_and_frontend_may_not_import_each_other_but_may_import_below():
    assert [i.package for i in wrong_way_imports("api/views/x.py", "from frontend.labels import LABELS\n")] == [
        "frontend"
    ]
    assert [i.package for i in wrong_way_imports("frontend/views/x.py", "import api.serializers\n")] == ["api"]
    below = "from core.models import Job\nfrom vetting.models import Brand\nfrom config.celery import app\n"
    assert wrong_way_imports("frontend/views/x.py", below) == []


def test_relative_imports_are_resolved_from_the_module():
    assert wrong_way_imports("core/services/jobs.py", "from ..models import Job\n") == []
    assert [i.package for i in imports_of("influencers/services/x.py", "from ...vision import ann\n")] == ["vision"]
    assert [i.package for i in wrong_way_imports("influencers/services/x.py", "from ...vision import ann\n")] == [
        "vision"
    ]


def test_an_import_guarded_by_except_import_error_is_reported():
    source = (
        "try:\n"
        "    from vision.services.search import aesthetic_search\n"
        "except (ImportError, RuntimeError):\n"
        "    aesthetic_search = None\n"
        "try:\n"
        "    import numpy\n"
        "except ImportError:\n"
        "    numpy = None\n"
        "try:\n"
        "    from core.errors import InputError\n"
        "except ValueError:\n"
        "    pass\n"
    )
    guarded = guarded_imports("vetting/services/matching.py", source)
    assert [str(i) for i in guarded] == [
        "vetting/services/matching.py:2: from vision.services.search import aesthetic_search"
    ]


def test_a_cycle_between_two_packages_is_found():
    assert cycles({"core": set(), "influencers": {"core", "vision"}, "vision": {"influencers"}}) == [
        ["influencers", "vision", "influencers"]
    ]
    assert cycles({"core": set(), "influencers": {"core"}, "vision": {"core", "influencers"}}) == []
