"""The house's layers (TEAM.md, docs/architecture.md): nothing imports what stands above it, no import cycles,
and the plain core imports neither Dagster nor Streamlit.

Every module's imports are read with ``ast`` (those inside functions too, which run later but still tie the
modules together), resolved to the project's modules, and checked against ``ALLOWED``. The checks are pure
functions of an import graph (``layer_violations``, ``cycles``, ``forbidden_third_party``), so the tests at the
end also run them on small graphs with a violation in them, to show they would catch one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from reference.paths import PROJECT_ROOT

#: The project's packages, bottom up, and the project packages each may import (besides itself). ``tests``
#: and ``bench`` may import anything and are not checked.
ALLOWED: dict[str, frozenset[str]] = {
    "reference": frozenset(),
    "validation": frozenset({"reference"}),
    "pipeline": frozenset({"reference", "validation"}),
    "demodata": frozenset({"reference", "validation"}),
    # the CLI's `demo` command writes the demonstration region with the generators
    "orchestration": frozenset({"reference", "validation", "pipeline", "demodata"}),
    "dashboards": frozenset({"reference", "validation", "pipeline"}),
}
#: Third-party packages the plain core must not import.
PLAIN_PACKAGES = ("reference", "validation", "pipeline")
FORBIDDEN_IN_PLAIN = ("dagster", "dagster_dbt", "dagster_webserver", "dagster_postgres", "streamlit")

Graph = Mapping[str, set[str]]


def module_files(root: Path = PROJECT_ROOT) -> dict[str, Path]:
    """Module name -> file, for every module of the checked packages (``pkg/__init__.py`` is ``pkg``)."""
    modules = {}
    for package in ALLOWED:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def imported_names(path: Path, module: str) -> set[tuple[str, str | None]]:
    """What every import statement in the file names, at any depth: (module, None) for ``import a.b`` and
    (a, a.b) for ``from a import b`` (``a.b`` if it is a module, else ``a``: that is decided against the
    project's modules). Relative imports are resolved against the module's package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    names: set[tuple[str, str | None]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's own package upwards
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names.update((target, f"{target}.{alias.name}") for alias in node.names)
    return names


def import_graph(root: Path = PROJECT_ROOT) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(project module -> the project modules it imports, project module -> the third-party top-level
    packages it imports)."""
    files = module_files(root)
    project: dict[str, set[str]] = {}
    third_party: dict[str, set[str]] = {}
    for module, path in files.items():
        project[module], third_party[module] = set(), set()
        for target, submodule in imported_names(path, module):
            if package_of(target) not in ALLOWED:
                if package_of(target) not in ("tests", "bench", "__future__"):
                    third_party[module].add(package_of(target))
                continue
            resolved = submodule if submodule in files else target
            if resolved != module:
                project[module].add(resolved)
    return project, third_party


def package_of(module: str) -> str:
    return module.split(".")[0]


def layer_violations(graph: Graph, allowed: Mapping[str, Iterable[str]] = ALLOWED) -> list[str]:
    """'a.b -> c.d' for every import of a module of a package that ``allowed`` does not let it import."""
    return sorted(f"{module} -> {target}" for module, targets in graph.items() for target in targets
                  if package_of(target) != package_of(module)
                  and package_of(target) not in set(allowed.get(package_of(module), ())))


def cycles(graph: Graph) -> list[list[str]]:
    """The import cycles of the graph: its strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def forbidden_third_party(third_party: Graph) -> list[str]:
    """'module -> package' for every Dagster or Streamlit import in the plain core."""
    return sorted(f"{module} -> {package}" for module, packages in third_party.items()
                  if package_of(module) in PLAIN_PACKAGES for package in packages
                  if package in FORBIDDEN_IN_PLAIN or package.startswith("dagster"))


# --- the project -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def graphs():
    return import_graph()


def test_every_package_is_read(graphs):
    project, _ = graphs
    assert {package_of(m) for m in project} == set(ALLOWED)
    # the graph has the edges it must have: a sign that imports are resolved, not silently dropped
    assert "pipeline.settings" in project["pipeline.timings"]
    assert "pipeline.warehouse" in project["pipeline.ingestion"]  # `from pipeline import warehouse`
    assert "orchestration.definitions" in project["orchestration.cli.runner"]  # inside a function


def test_no_import_runs_up_a_layer(graphs):
    project, _ = graphs
    assert layer_violations(project) == []


def test_no_import_cycles(graphs):
    project, _ = graphs
    assert cycles(project) == []


def test_plain_core_imports_no_dagster_and_no_streamlit(graphs):
    _, third_party = graphs
    assert forbidden_third_party(third_party) == []


def test_the_dashboard_reads_data_only_through_its_data_access_layer(graphs):
    """Only the data-access package opens a database (the serving copy, read-only)."""
    _, third_party = graphs
    opening = sorted(m for m, packages in third_party.items()
                     if package_of(m) == "dashboards" and "duckdb" in packages)
    assert opening and all(m.startswith("dashboards.data_access") for m in opening), opening


# --- the checks catch what they are for ------------------------------------------------------------------

def test_a_layer_violation_is_caught(tmp_path):
    """A validation module importing the pipeline's settings (as validation/ees.py once did) and a function-level
    import of the Dagster layer from the pipeline are both reported, read from real files."""
    for package in ALLOWED:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "pipeline" / "settings.py").write_text("import os\n")
    (tmp_path / "orchestration" / "jobs.py").write_text("from dagster import define_asset_job\n")
    (tmp_path / "validation" / "ees.py").write_text("from pipeline.settings import Settings\n")
    (tmp_path / "pipeline" / "run.py").write_text("def go():\n    from orchestration import jobs\n")
    (tmp_path / "pipeline" / "asset.py").write_text("def go():\n    import dagster\n")
    project, third_party = import_graph(tmp_path)
    assert layer_violations(project) == ["pipeline.run -> orchestration.jobs", "validation.ees -> pipeline.settings"]
    assert forbidden_third_party(third_party) == ["pipeline.asset -> dagster"]


def test_a_cycle_is_caught(tmp_path):
    """dashboards.app imports its pages and a page imports the app back (as views/downloads.py once did)."""
    for package in ALLOWED:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "dashboards" / "views").mkdir()
    (tmp_path / "dashboards" / "views" / "__init__.py").write_text("")
    (tmp_path / "dashboards" / "app.py").write_text("from dashboards.views import downloads\n")
    (tmp_path / "dashboards" / "views" / "downloads.py").write_text(
        "def pages():\n    from ..app import pages_for\n    return pages_for\n")
    project, _ = import_graph(tmp_path)
    assert cycles(project) == [["dashboards.app", "dashboards.views.downloads"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
