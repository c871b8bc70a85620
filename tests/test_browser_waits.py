"""Every `wait_for_function` in the tests and the benches is given a function, never an expression:
Playwright polls an expression string with eval, which the page's strict CSP refuses, so such a
wait passed when its condition held at the first look and failed ("EvalError ... 'unsafe-eval'")
when it had to poll (tests/test_dev_reload.py did, now and then)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUNCTION = re.compile(r"^\s*(async\s+)?(function\b|\([^)]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)")


def _text(node: ast.AST, names: dict[str, ast.AST]) -> str | None:
    """The start of the string an argument makes, as far as the source says it; None if unknown."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _text(node.left, names)
    if isinstance(node, ast.Name) and node.id in names:
        return _text(names[node.id], names)
    return None


def expression_waits(source: str) -> list[tuple[int, str]]:
    """(line, predicate) of each wait_for_function given something other than a function."""
    tree = ast.parse(source)
    names = {t.id: node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "wait_for_function" and node.args:
            text = _text(node.args[0], names)
            if text is None or not FUNCTION.match(text):
                found.append((node.lineno, text or ast.unparse(node.args[0])))
    return found


def test_the_check_sees_an_expression() -> None:
    assert expression_waits("page.wait_for_function(\"window.x === 1\")") == [(1, "window.x === 1")]
    assert expression_waits("P = 'document.title'\npage.wait_for_function(P)") == [(2, "document.title")]
    assert expression_waits("page.wait_for_function(f'{A} > 0')") == [(1, "X > 0")]
    assert expression_waits("page.wait_for_function(unknown())") == [(1, "unknown()")]
    for good in ("() => x", "v => v.ok", "([a, b]) => a", "async () => 1", "function () { return 1; }"):
        assert expression_waits(f"page.wait_for_function({good!r})") == [], good
    assert expression_waits("J = '(t) => t'\npage.wait_for_function(J, arg=1)") == []
    assert expression_waits("page.wait_for_function(f'() => {{ return {N}; }}')") == []


def test_every_wait_for_function_is_given_a_function() -> None:
    files = sorted((ROOT / "tests").glob("*.py")) + sorted((ROOT / "bench").glob("*.py"))
    assert len(files) > 100
    seen = [f"{f.relative_to(ROOT)}:{line}: {text}" for f in files if f.name != Path(__file__).name
            for line, text in expression_waits(f.read_text())]
    assert seen == [], "give wait_for_function a function ('() => …'), not an expression"
