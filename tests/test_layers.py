"""Which package may import which: media tools (media/) at the bottom, storage (library/) on
them, and neither imports what runs jobs or renders; an arrow back up is how find_font once tied
the export (then in library/) to the offline generator."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import reelcut

ROOT = Path(reelcut.__file__).parent
# a package, and the packages and top-level modules of reelcut it must never import
FORBIDDEN = {
    "library": {"render", "generation", "runs", "server", "bridge"},
    "media": {"library", "render", "generation", "runs", "server", "bridge"},
    "render": {"generation", "server", "bridge"},
    "generation": {"render", "server", "bridge"},
}


def _imports(source: str, package: tuple[str, ...]) -> set[str]:
    """The reelcut sub-packages or modules that code in `package` (below reelcut) imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - (node.level - 1)])
                parts = base + (node.module.split(".") if node.module else [])
                names = [parts[0]] if parts else [a.name for a in node.names]
            elif node.module and node.module.startswith("reelcut."):
                names = [node.module.split(".")[1]]
            else:
                continue
            found.update(names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("reelcut."))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_runs_back_up(package: str) -> None:
    wrong = {p.name: sorted(_imports(p.read_text("utf-8"), (package,)) & FORBIDDEN[package])
             for p in sorted((ROOT / package).glob("*.py"))}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_the_checker_sees_an_upward_import() -> None:
    # the old library/exports.py's imports: the first is the arrow that ran back up
    old = "from ..generation.local import find_font\nfrom .db import Database\nimport reelcut.runs\n"
    assert _imports(old, ("library",)) == {"generation", "library", "runs"}
