"""The house stays as drawn: the README's architecture table is the rule, and every import in engine/
(lazy ones inside functions included) must follow it. No cycles, no stage importing a gate, nothing
importing the CLI."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"


def architecture_table() -> dict[str, tuple[list[str], set[str]]]:
    """area -> (the paths it owns, the areas it may import), read from README.md."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    areas: dict[str, tuple[list[str], set[str]]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("area", "") or set(cells[0]) <= {"-"}:
            continue
        area, places, _, allowed = cells
        paths = re.findall(r"`([^`]+)`", places)
        may = {a.strip() for a in allowed.split(",")} - {"-"}
        areas[area] = (paths, may)
    return areas


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def engine_modules() -> dict[str, Path]:
    return {module_name(p): p for p in ENGINE.rglob("*.py")}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The engine modules `path` imports anywhere in its body (TYPE_CHECKING blocks included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from engine.x import y` imports engine.x.y when y is a module, else engine.x
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                for a in node.names
            ]
        else:
            continue
        found.update(n for n in names if n.startswith("engine.") and n in modules)
    return found


def area_of(module: str, table: dict[str, tuple[list[str], set[str]]]) -> str | None:
    path = module.replace(".", "/")
    best: tuple[int, str] | None = None
    for area, (places, _) in table.items():
        for place in places:
            place = place.rstrip("/")
            stem = place[:-3] if place.endswith(".py") else place
            stem = stem.removesuffix("/__init__")
            if (path == stem or path.startswith(stem + "/")) and (best is None or len(stem) > best[0]):
                best = (len(stem), area)
    if module == "engine":
        return area_of("engine.__init__", table) if best is None else best[1]
    return best[1] if best else None


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = engine_modules()
    return {name: imports_of(path, modules) for name, path in modules.items()}


def test_the_table_names_only_known_areas_and_places() -> None:
    table = architecture_table()
    assert len(table) >= 10, "the README's architecture table was not found"
    for area, (places, allowed) in table.items():
        assert allowed <= set(table) | {"everything"}, (
            f"{area} may import unknown areas {allowed - set(table)}"
        )
        for place in places:
            assert (ROOT / place).exists(), f"README architecture table: {place} does not exist"


def test_every_engine_module_has_a_place_in_the_table(graph: dict[str, set[str]]) -> None:
    table = architecture_table()
    unplaced = sorted(m for m in graph if area_of(m, table) is None)
    assert not unplaced, f"modules the README's architecture table does not place: {unplaced}"


def test_every_import_is_one_the_table_allows(graph: dict[str, set[str]]) -> None:
    table = architecture_table()
    wrong = []
    for module, targets in graph.items():
        area = area_of(module, table)
        assert area is not None
        allowed = table[area][1]
        for target in targets:
            target_area = area_of(target, table)
            if target_area != area and "everything" not in allowed and target_area not in allowed:
                wrong.append(f"{module} ({area}) imports {target} ({target_area})")
    assert not wrong, "imports the architecture table does not allow:\n" + "\n".join(sorted(wrong))


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_no_stage_imports_a_gate_and_nothing_imports_the_cli(graph: dict[str, set[str]]) -> None:
    for module, targets in graph.items():
        if within(module, "engine.stages"):
            assert not [t for t in targets if within(t, "engine.gates")], f"{module} imports a gate"
        if not within(module, "engine.cli") and module != "engine.__main__":
            assert not [t for t in targets if within(t, "engine.cli")], f"{module} imports the CLI"


def test_no_import_cycle(graph: dict[str, set[str]]) -> None:
    cycles = strongly_connected(graph)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(sorted(c)) for c in cycles)


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the components with more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_checker_finds_a_cycle_and_a_forbidden_import() -> None:
    """The check itself can fail: a made-up cycle and a made-up stage -> gate import are found."""
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [{"a", "b", "c"}]
    table = architecture_table()
    assert area_of("engine.stages.infer", table) == "stages"
    assert "gates" not in table["stages"][1]
    assert area_of("engine.pipeline.handler", table) == "pipeline"
