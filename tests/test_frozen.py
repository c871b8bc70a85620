"""The PyInstaller one-folder build: built from build.spec, then its own --self-test must pass
with a stripped environment (no Python, no source tree, nothing but the folder)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .test_desktop import assert_played, run_self_test

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_frozen_app_passes_its_self_test(tmp_path: Path) -> None:
    dist, work = tmp_path / "dist", tmp_path / "build"
    build = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR",
                            "--distpath", str(dist), "--workpath", str(work), str(ROOT / "build.spec")],
                           capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert build.returncode == 0, build.stderr[-3000:]
    app = dist / "reelcut"
    assert (app / "_internal" / "web" / "index.html").is_file()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    assert_played(run_self_test(env, cmd=[str(app / "reelcut"), "--self-test"], inherit=False))
