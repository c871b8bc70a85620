"""Desktop start-up, each window engine beside the other on one private X server (Xvfb):
process start → window loaded → first frame, from `reelcut --self-test --gui qt|gtk`. The first
frame includes generating a clip and, in PyPI's Qt (no H.264), its proxy; WebKitGTK plays the
H.264 original through GStreamer, so it needs none."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .common import Row


@contextmanager
def _xvfb() -> Iterator[str]:
    xvfb = shutil.which("Xvfb")
    if not xvfb:
        raise RuntimeError("Xvfb is missing: bash scripts/test.sh installs it (xvfb)")
    for number in range(140, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    proc = subprocess.Popen([xvfb, f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Xvfb :{number} did not start")
            time.sleep(0.05)
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(10)


def _once(gui: str, display: str) -> dict:
    home = tempfile.mkdtemp(prefix="reelcut-bench-desktop-")
    env = {**os.environ, "DISPLAY": display, "HOME": home, "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox"}
    env.pop("QT_QPA_PLATFORM", None)  # both engines on the same X server
    try:
        out = subprocess.run([sys.executable, "-m", "reelcut.cli", "--self-test", "--gui", gui], capture_output=True,
                             text=True, timeout=300, env=env)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    start = out.stdout.find("{")
    if start < 0:
        raise RuntimeError(f"{gui} self-test printed no report: {out.stderr[-2000:]}")
    report = json.loads(out.stdout[start:])
    if not report.get("ok"):
        raise RuntimeError(f"{gui} self-test failed: {report}")
    return report["timings"]


def run(small: bool) -> list[Row]:
    runs = 2 if small else 5
    with _xvfb() as display:
        # alternated, so a machine that gets busier during the run weighs on both alike
        timings: dict[str, list[dict]] = {"qt": [], "gtk": []}
        for _ in range(runs):
            for gui in timings:
                timings[gui].append(_once(gui, display))
    median = {gui: {key: statistics.median(t[key] for t in ts) for key in ("window_loaded_s", "first_frame_s")}
              for gui, ts in timings.items()}
    qt, gtk = median["qt"], median["gtk"]
    return [
        Row("Qt: process start → window loaded, s", qt["window_loaded_s"], "s", "", None, "< 1.5 s",
            qt["window_loaded_s"] < 1.5),
        Row("Qt: process start → first frame (generate + proxy), s", qt["first_frame_s"], "s", "", None, "", None),
        Row("GTK: process start → window loaded, s", gtk["window_loaded_s"], "s", "Qt's", qt["window_loaded_s"],
            "< 1.5 s", gtk["window_loaded_s"] < 1.5),
        # no proxy to make, so not slower than Qt's by more than the noise of one run
        Row("GTK: process start → first frame (generate, no proxy), s", gtk["first_frame_s"], "s", "Qt's",
            qt["first_frame_s"], "<= 1.2x Qt's", gtk["first_frame_s"] <= 1.2 * qt["first_frame_s"]),
    ]
