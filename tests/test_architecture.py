"""The package's shape, checked from its import graph (imports inside functions included).

cli → services → workspace / render / audit → core / storage, with no cycle and no import
back up; no service imports another, except `status` (it gathers) and `demo` (it runs all).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "src" / "shuangsuiji"
LAYERS = {"core": 0, "storage": 0, "workspace": 1, "render": 1, "audit": 2, "services": 3, "cli": 4}
GATHERERS = {"services.status", "services.demo"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".") if package else []
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            for candidate in (target, *(f"{target}.{a.name}".strip(".") for a in node.names)):
                if candidate in modules and candidate != name:
                    found.add(candidate)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            for alias in getattr(node, "names", []):
                full = (node.module if isinstance(node, ast.ImportFrom) else alias.name) or ""
                for candidate in (full, f"{full}.{alias.name}"):
                    short = candidate.removeprefix("shuangsuiji.")
                    if candidate.startswith("shuangsuiji.") and short in modules:
                        found.add(short)
    return found


GRAPH = {name: _imports(name, path, _modules()) for name, path in _modules().items()}


def _layer(name: str) -> int | None:
    return LAYERS.get(name.split(".")[0])


def test_no_import_cycle():
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(GRAPH):
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


def test_no_layer_imports_a_layer_above_it():
    upward = [
        (a, b)
        for a, targets in GRAPH.items()
        for b in targets
        if _layer(a) is not None and _layer(b) is not None and _layer(b) > _layer(a)
    ]
    assert not upward, upward


def test_no_service_imports_another_but_the_gatherers():
    crossing = [
        (a, b)
        for a, targets in GRAPH.items()
        if a.startswith("services.") and a not in GATHERERS
        for b in targets
        if b.startswith("services.") and b != "services"
    ]
    assert not crossing, crossing


def test_only_the_clock_module_reads_the_clock():
    readers = [
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if p.name != "clock.py"
        and any(
            call in p.read_text(encoding="utf-8")
            for call in ("date.today()", "datetime.now(", "time.time()", "datetime.utcnow(")
        )
    ]
    assert not readers, readers
