"""The shape of the code, as promised in the README's "How it is built": no arrow runs back up
between the layers, no module cycle, one status per error code, one composition root."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from reelcut import errors

ROOT = Path(__file__).resolve().parents[1] / "desktop" / "reelcut"

# what each package may import from the app (besides the base modules below); the layers, from the
# bottom: media (files and ffmpeg) < library (storage) < runs (status rows, threads) < generation,
# render < the composition root (services) < server, cli, shell. An arrow back up is how find_font
# once tied the export (then in library/) to the offline generator.
BASE = {"errors", "eventbus", "config", "keystore", "navigation"}
MAY_IMPORT = {
    "media": set(),
    "library": {"media"},
    "runs": {"library"},
    "generation": {"media", "library", "runs"},
    "render": {"media", "library", "runs"},
    "interchange": {"media", "library"},  # the timeline to and from OpenTimelineIO
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """The app modules a file imports, anywhere in it (lazy imports count too)."""
    name = _module_name(path)
    package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join([*base, node.module] if node.module else base)
                names = [f"{target}.{a.name}" if target else a.name for a in node.names]
            elif node.module and node.module.startswith("reelcut"):
                target = node.module.removeprefix("reelcut").lstrip(".")
                names = [f"{target}.{a.name}" if target else a.name for a in node.names]
            else:
                continue
            for n in names:
                found.add(n if _exists(n) else n.rsplit(".", 1)[0])
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("reelcut."):
                    found.add(a.name.removeprefix("reelcut."))
    return {f for f in found if f and f != name}


def _exists(module: str) -> bool:
    p = ROOT.joinpath(*module.split("."))
    return p.with_suffix(".py").is_file() or (p / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in ROOT.rglob("*.py") if "web" not in p.parts}


def test_no_arrow_runs_back_up() -> None:
    wrong = []
    for module, deps in _graph().items():
        layer = module.split(".")[0]
        if layer not in MAY_IMPORT:
            continue
        for dep in deps:
            top = dep.split(".")[0]
            if top != layer and top not in BASE and top not in MAY_IMPORT[layer]:
                wrong.append(f"{module} imports {dep}")
    assert wrong == []


def test_no_module_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = defaultdict(int)  # 0 new, 1 on the stack, 2 done
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if dep not in graph:
                continue
            if state[dep] == 1:
                cycles.append(" -> ".join([*stack[stack.index(dep):], dep]))
            elif state[dep] == 0:
                visit(dep, [*stack, dep])
        state[node] = 2

    for node in sorted(graph):
        if state[node] == 0:
            visit(node, [node])
    assert cycles == []


def test_the_graph_sees_real_imports() -> None:
    """Guards the two tests above against a parser that finds nothing."""
    graph = _graph()
    assert "library.db" in graph["library.media_store"]
    assert "services" in graph["server.app"]


def _raises() -> list[tuple[str, int | None, str]]:
    """Every AppError/GenerationError raised with a literal code: (code, explicit status, where)."""
    out = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in ("AppError", "GenerationError") or not node.args:
                continue
            code = node.args[0]
            if not isinstance(code, ast.Constant) or not isinstance(code.value, str):
                continue
            status = None
            for kw in node.keywords:
                if kw.arg == "status":
                    assert isinstance(kw.value, ast.Constant), f"{path.name}:{node.lineno} computes its status"
                    status = kw.value.value
            out.append((code.value, status, f"{path.relative_to(ROOT)}:{node.lineno}"))
    return out


def test_one_status_per_error_code() -> None:
    """A code means one thing to a client: its status comes from errors.STATUS, never from the
    place that raises it."""
    raises = _raises()
    assert len(raises) > 50
    explicit = [f"{where}: {code} with status={status}" for code, status, where in raises if status is not None]
    assert explicit == []


def test_every_status_is_an_error_status() -> None:
    assert all(400 <= s < 600 for s in errors.STATUS.values())
    assert errors.AppError("invalid_project", "x").status == 422
    assert errors.AppError("something_new", "x").status == 400
