"""An outside judge for the policy: Google's CSP Evaluator (npm csp_evaluator, installed by
`npm ci` in scripts/test.sh) must find nothing of high severity."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from reelcut.generation import registry
from reelcut.server.security import build_csp

ROOT = Path(__file__).resolve().parents[1]
BAD = {"HIGH", "SYNTAX", "HIGH_MAYBE"}


def evaluate(policy: str) -> list[dict[str, str]]:
    node = shutil.which("node")
    assert node, "Node.js is needed for the CSP Evaluator test: run scripts/test.sh (it installs it)"
    assert (ROOT / "node_modules" / "csp_evaluator").is_dir(), "run `npm ci` in the repository first"
    out = subprocess.run([node, str(ROOT / "tests/tools/csp_evaluate.cjs"), policy], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    return json.loads(out.stdout)


def test_the_judge_can_fail() -> None:
    findings = evaluate("script-src 'self' 'unsafe-inline'")
    assert {f["severity"] for f in findings} & BAD


@pytest.mark.parametrize("remote", [False, True], ids=["strict", "remote-preview"])
def test_browser_policy_has_no_high_severity_findings(remote: bool) -> None:
    hosts = registry.remote_media_hosts() if remote else []
    findings = evaluate(build_csp(hosts))
    assert not [f for f in findings if f["severity"] in BAD], findings
