"""The PyInstaller one-folder build: built from build.spec, then its own --self-test must pass
with a stripped environment (no Python, no source tree, nothing but the folder), offscreen and
on a real X server (Xvfb), so the xcb platform plugin a Linux desktop uses is proven bundled."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .test_desktop import assert_played, run_self_test

ROOT = Path(__file__).resolve().parents[1]
# the build's own 900 s timeout fits inside each test's (the module's first test pays for the build)
pytestmark = pytest.mark.timeout(1200)
SIZE_BUDGET_MB = 800  # measured 754 MB (Qt WebEngine 341, ffmpeg 165, PyAV 100); README states it


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20


@pytest.fixture(scope="module")
def frozen_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("frozen")
    dist, work = tmp / "dist", tmp / "build"
    started = time.monotonic()
    build = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR",
                            "--distpath", str(dist), "--workpath", str(work), str(ROOT / "build.spec")],
                           capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert build.returncode == 0, build.stderr[-3000:]
    app = dist / "reelcut"
    print(f"frozen build: {time.monotonic() - started:.0f} s, {folder_mb(app):.0f} MB")
    return app


@pytest.fixture
def xvfb_display() -> Iterator[str]:
    """A private X server; the display number is the one Xvfb picks (-displayfd)."""
    xvfb = shutil.which("Xvfb")
    assert xvfb, "Xvfb is missing: scripts/test.sh installs the xvfb package"
    read, write = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    assert number, "Xvfb did not start"
    try:
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.slow
def test_frozen_app_is_trimmed(frozen_app: Path) -> None:
    internal = frozen_app / "_internal"
    assert (internal / "web" / "index.html").is_file()
    assert list(internal.glob("webview/js/*.js")), "pywebview's js folder"
    assert list(internal.glob("imageio_ffmpeg/binaries/ffmpeg-*")), "ffmpeg"
    qt = internal / "PyQt6" / "Qt6"
    assert not (qt / "qml").exists()
    assert [p.name for p in (qt / "translations").rglob("*.pak")] == ["en-US.pak"]
    assert not list(qt.glob("lib/libQt6QuickControls2*")) and not list(qt.glob("lib/libQt6WebEngineQuick*"))
    assert folder_mb(frozen_app) < SIZE_BUDGET_MB


@pytest.mark.slow
def test_frozen_app_passes_its_self_test(frozen_app: Path, tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    assert_played(run_self_test(env, cmd=[str(frozen_app / "reelcut"), "--self-test"], inherit=False))


@pytest.mark.slow
def test_frozen_app_passes_its_self_test_on_an_x_server(frozen_app: Path, tmp_path: Path, xvfb_display: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8", "DISPLAY": xvfb_display,
           "QT_QPA_PLATFORM": "xcb"}
    assert_played(run_self_test(env, cmd=[str(frozen_app / "reelcut"), "--self-test"], inherit=False))
