"""Desktop start-up from `reelcut --self-test` offscreen: process start → window loaded → first
frame (the first frame includes generating a clip and, in PyPI's Qt, its proxy)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

from .common import Row


def _once() -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox"}
    out = subprocess.run([sys.executable, "-m", "reelcut.cli", "--self-test"], capture_output=True, text=True,
                         timeout=300, env=env)
    report = json.loads(out.stdout[out.stdout.find("{"):])
    if not report.get("ok"):
        raise RuntimeError(f"self-test failed: {report}")
    return report["timings"]


def run(small: bool) -> list[Row]:
    timings = [_once() for _ in range(2 if small else 5)]
    loaded = statistics.median(t["window_loaded_s"] for t in timings)
    first = statistics.median(t["first_frame_s"] for t in timings)
    return [Row("process start → window loaded, s", loaded, "s", "", None, "< 1.5 s", loaded < 1.5),
            Row("process start → first frame (incl. generate + proxy), s", first, "s", "", None, "", None)]
