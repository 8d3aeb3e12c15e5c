"""The engine's public surface: `dti.engine.__all__` is what the rest of the code imports.

The CLI, the Django apps and the benchmarks import only names listed in `dti.engine.__all__`,
and only from `dti.engine` itself (never from an engine module); the engine modules import
each other without cycles, and the engine never imports Django or the apps.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import dti
import dti.engine

PACKAGE = Path(dti.__file__).resolve().parent  # src/dti
ENGINE = PACKAGE / "engine"


def _module_name(path: Path) -> str:
    """The dotted name of a file under src/dti ("dti.frameworks.selectors")."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_module(node: ast.ImportFrom, path: Path) -> str:
    """The absolute module of a `from … import …`, relative imports resolved."""
    if node.level == 0:
        return node.module or ""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _is_engine(module: str) -> bool:
    return module == "dti.engine" or module.startswith("dti.engine.")


BENCHMARKS = PACKAGE.parent.parent / "benchmarks"


def _outside_engine() -> Iterator[Path]:
    """The CLI and the apps (src/dti outside the engine), and the benchmarks."""
    for path in sorted(PACKAGE.rglob("*.py")):
        if ENGINE not in path.parents:
            yield path
    yield from sorted(BENCHMARKS.glob("*.py"))


def test_every_public_name_imports() -> None:
    for name in dti.engine.__all__:
        value = getattr(dti.engine, name)
        namespace: dict[str, object] = {}
        exec(f"from dti.engine import {name}", namespace)
        assert namespace[name] is value, name


def test_code_outside_the_engine_imports_only_public_names() -> None:
    """Every name the CLI, the apps and the benchmarks import from the engine is public, from `dti.engine`."""
    public = set(dti.engine.__all__)
    checked = 0
    offenders: list[str] = []
    for path in _outside_engine():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        where = path.relative_to(PACKAGE.parent.parent)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if _is_engine(alias.name):
                        offenders.append(f"{where}:{node.lineno}: import {alias.name} (import names instead)")
            elif isinstance(node, ast.ImportFrom):
                module = _imported_module(node, path)
                if not _is_engine(module):
                    continue
                if module != "dti.engine":
                    offenders.append(f"{where}:{node.lineno}: from {module} (import from dti.engine)")
                for alias in node.names:
                    checked += 1
                    if alias.name not in public:
                        offenders.append(f"{where}:{node.lineno}: {alias.name} from {module}")
    assert checked, "no engine import found: has the walk lost its way?"
    assert not offenders, "not in dti.engine.__all__:\n" + "\n".join(offenders)


def _module_level_imports(tree: ast.Module) -> Iterator[ast.ImportFrom | ast.Import]:
    """Imports run when the module loads: not those inside functions or `if TYPE_CHECKING:`."""
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                pending += node.body
            pending += node.orelse
        elif isinstance(node, ast.Try):
            pending += [*node.body, *node.orelse, *node.finalbody]
            for handler in node.handlers:
                pending += handler.body


def test_engine_modules_import_each_other_without_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for path in sorted(ENGINE.glob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        graph[module] = set()
        for node in _module_level_imports(tree):
            targets = (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [_imported_module(node, path)]
            )
            graph[module] |= {target for target in targets if _is_engine(target) and target != "dti.engine"}
    assert len(graph) > 10
    state: dict[str, str] = {}

    def visit(module: str, chain: list[str]) -> None:
        if state.get(module) == "done":
            return
        assert state.get(module) != "open", "import cycle: " + " → ".join([*chain, module])
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            visit(target, [*chain, module])
        state[module] = "done"

    for module in sorted(graph):
        visit(module, [])


def test_the_engine_imports_neither_django_nor_the_apps() -> None:
    offenders: list[str] = []
    for path in sorted(ENGINE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [_imported_module(node, path)]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top == "django" or (top == "dti" and not _is_engine(module)):
                    offenders.append(f"{path.name}:{node.lineno}: {module}")
    assert not offenders
