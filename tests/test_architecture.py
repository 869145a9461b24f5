"""The package's layering, read off the source: every import of every module under
src/saidwhat (those inside functions too), parsed with ``ast``, none imported."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "saidwhat"
OFFLINE = ("saidwhat.training", "saidwhat.evaluation")
# the CLI commands that exist to run training and evaluation (inside the command only)
OFFLINE_RUNNERS = {"saidwhat.commands.train", "saidwhat.commands.eval"}
# the layers above the stages, which may run the whole analysis
ABOVE_PIPELINE = ("saidwhat.pipeline", "saidwhat.pool", "saidwhat.watch", "saidwhat.cli",
                  "saidwhat.commands", "saidwhat.web", "saidwhat.store", "saidwhat.spark")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The saidwhat modules ``name`` imports: ``from a import b`` is module ``a.b`` when that is
    a module, else ``a``; relative imports resolved against the module's package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        else:
            continue
        out |= {t for t in targets if t == "saidwhat" or t.startswith("saidwhat.")}
    return out


def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imported(name, path, known) for name, path in found.items()}


def within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path (first module repeated at the end), or None. Only edges
    between modules of the package count; an import of a package runs its __init__, which is
    a module of the graph too."""
    state: dict[str, int] = {}     # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph or nxt == node:
                continue
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_the_graph_sees_imports_inside_functions(graph):
    # the walker must see what a lazy import hides: models loads the tagger inside a function
    assert "saidwhat.rhetoric.tagger" in graph["saidwhat.models"]
    assert len(graph) > 50


def test_run_time_never_imports_training_or_evaluation(graph):
    offenders = sorted(f"{name} imports {target}" for name, targets in graph.items()
                       if not within(name, OFFLINE) and name not in OFFLINE_RUNNERS
                       for target in targets if within(target, OFFLINE))
    assert not offenders, "\n".join(offenders)


def test_training_and_evaluation_packages_exist(graph):
    for package in OFFLINE:
        assert package in graph
        assert any(name.startswith(package + ".") for name in graph)


def test_only_the_layers_above_it_import_the_pipeline(graph):
    offenders = sorted(name for name, targets in graph.items()
                       if "saidwhat.pipeline" in targets and not within(name, ABOVE_PIPELINE))
    assert not offenders, f"modules below the pipeline that import it: {offenders}"


def test_the_training_code_uses_no_private_run_time_names():
    offenders = []
    for name, path in modules().items():
        if not within(name, OFFLINE):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("saidwhat")
                    and not within(node.module, OFFLINE)):
                offenders += [f"{name}: {node.module}.{a.name}" for a in node.names
                              if a.name.startswith("_")]
            elif (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                  and not node.attr.startswith("__") and isinstance(node.value, ast.Name)
                  and node.value.id in {"tagger", "core", "lexical", "word_crf", "si_head"}):
                offenders.append(f"{name}: {node.value.id}.{node.attr}")
    assert not offenders, "\n".join(offenders)


def test_the_package_has_no_import_cycle(graph):
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_reports_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
