"""The domain (tui/archive): no dependency on the UI, no import cycle, no private name taken from another module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

TUI = Path(__file__).resolve().parents[1] / "tui"
ARCHIVE = TUI / "archive"
LONGEST_MODULE = 500
"""Lines: a module longer than this is doing more than one job (issue 14)."""


def test_archive_sources_import_nothing_from_textual() -> None:
    for source in ARCHIVE.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("textual", "rich")), f"{source.name} imports {name}"


def test_importing_the_archive_loads_no_textual() -> None:
    code = "import sys, tui.archive, tui.cli; print(any(m.startswith('textual') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------- imports inside the domain


def _module_names(package: Path, package_name: str) -> dict[str, Path]:
    """Dotted name -> file, for every module of a package (its __init__ as the package)."""
    names = {}
    for source in package.rglob("*.py"):
        parts = [package_name, *source.relative_to(package).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = source
    return names


def _imports(module: str, source: Path) -> list[tuple[str, list[str]]]:
    """(imported module, names taken from it) for every import in a module, functions included."""
    found = []
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if source.name == "__init__.py" else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, [alias.name for alias in node.names]))
    return found


def import_graph(package: Path, package_name: str) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports (`from . import x` imports x)."""
    modules = _module_names(package, package_name)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, source in modules.items():
        for target, taken in _imports(name, source):
            submodules = {f"{target}.{item}" for item in taken} & modules.keys()
            if len(submodules) < len(taken) or not taken:
                submodules.add(target)  # names from the module itself
            graph[name] |= (submodules & modules.keys()) - {name}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or around a loop (Tarjan's
    strongly connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph[module]):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


@pytest.mark.parametrize(("package", "name"), [(ARCHIVE, "tui.archive"), (TUI, "tui")])
def test_no_import_cycle(package: Path, name: str) -> None:
    """Imports inside functions count: they hide a cycle, they do not break it."""
    graph = import_graph(package, name)
    problems = [
        "; ".join(f"{module} imports {', '.join(sorted(graph[module] & set(group)))}" for module in group)
        for group in import_cycles(graph)
    ]
    assert not problems, f"import cycles in {name}:\n" + "\n".join(problems)


def test_no_module_is_longer_than_it_should_be() -> None:
    too_long = [
        f"{source.relative_to(TUI.parent)}: {lines} lines"
        for source in sorted(TUI.rglob("*.py"))
        if (lines := len(source.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE
    ]
    assert not too_long, f"modules over {LONGEST_MODULE} lines (split them by concern):\n" + "\n".join(too_long)


def test_the_cycle_finder_sees_a_cycle_hidden_in_a_function(tmp_path: Path) -> None:
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "a.py").write_text("from .b import thing\n")
    (tmp_path / "b.py").write_text("def thing():\n    from . import a\n")
    (tmp_path / "c.py").write_text("from . import a\n")
    assert import_cycles(import_graph(tmp_path, "pkg")) == [["pkg.a", "pkg.b"]]


def test_no_module_imports_a_private_name_of_another() -> None:
    """Another module's `_name` is its own business: what others need gets a public name."""
    modules = _module_names(TUI, "tui")
    found = [
        f"{source.relative_to(TUI)}: from {target} import {name}"
        for module, source in modules.items()
        for target, taken in _imports(module, source)
        if target.startswith("tui")
        for name in taken
        if name.startswith("_") and not name.startswith("__")
    ]
    assert not found, "private names imported across tui modules:\n" + "\n".join(found)
