"""The domain (tui/archive) must not depend on the UI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ARCHIVE = Path(__file__).resolve().parents[1] / "tui" / "archive"


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
