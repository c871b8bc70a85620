"""The GTK window (pywebview's WebKitGTK backend, issue 18): `reelcut --self-test --gui gtk` as a
real process on a private X server (Xvfb), judged by its report; and the CLI's refusals."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .test_desktop import VERDICT
from .test_frozen import xvfb_display  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[1]
INSTALL = "bash scripts/test.sh installs them (gir1.2-webkit2-4.1, gstreamer1.0-libav, the gtk extra)"


def reelcut(*args: str, env: dict[str, str] | None = None, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reelcut.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def gstreamer_decodes_h264() -> bool:
    """What GStreamer itself says, asked apart from the window: is its H.264 decoder there?"""
    inspect = shutil.which("gst-inspect-1.0")
    assert inspect, f"gst-inspect-1.0 is missing (gstreamer1.0-tools): {INSTALL}"
    return subprocess.run([inspect, "avdec_h264"], capture_output=True, timeout=60).returncode == 0


def gtk_self_test(display: str, home: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    out = reelcut("--self-test", "--gui", "gtk", env={"DISPLAY": display, "HOME": str(home), **(env or {})})
    assert "needs WebKitGTK" not in out.stderr, f"WebKitGTK or PyGObject is missing: {INSTALL}\n{out.stderr}"
    start = out.stdout.find("{")
    assert start >= 0, f"no report; exit {out.returncode}; stderr: {out.stderr[-3000:]}"
    report = json.loads(out.stdout[start:])
    report["exit_code"] = out.returncode
    return report


@pytest.fixture
def gtk_report(xvfb_display: str, tmp_path: Path) -> Iterator[dict[str, Any]]:  # noqa: F811
    yield gtk_self_test(xvfb_display, tmp_path)


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_self_test_plays_in_the_gtk_window(gtk_report: dict[str, Any]) -> None:
    report = gtk_report
    assert report["window_engine"]["name"] == "gtk" and report["window_engine"]["version"].startswith("WebKitGTK")
    # WebKit's own user agent, not Chromium's
    assert "AppleWebKit/605" in report["engine"] and "Chrome" not in report["engine"], report["engine"]
    assert report["media"]["video_codec"] == "h264"                 # generated
    assert report["exit_code"] == 0 and report["ok"] is True, ({k: report.get(k) for k in VERDICT}, report)
    assert report["current_time"] >= 1.0
    # WebKit's default autoplay policy held the AudioContext and the play() after it until a click
    # of the user's own (engines/gtk.py); the first frame is seen after the window has loaded
    assert 0 < report["timings"]["window_loaded_s"] < report["timings"]["first_frame_s"]
    first, second = report["playback_samples"]
    assert report["playback_advancing"] is True and second > first >= 1.0
    assert report["picture_change"] > 0, "the clip played but the preview's picture stood still"
    assert report["csp_violations"] == [] and report["page_errors"] == []
    # H.264 without a proxy exactly where GStreamer can decode it: the page's report decided
    h264 = gstreamer_decodes_h264()
    assert (report["codecs"]["h264_aac"] == "probably") is h264, report["codecs"]
    assert report["played_source"] == ("local" if h264 else "proxy")
    assert report["media"]["proxy"] == ("none" if h264 else "ready")


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_without_gstreamers_h264_decoder_the_gtk_window_plays_the_proxy(xvfb_display: str,  # noqa: F811
                                                                       tmp_path: Path) -> None:
    # GStreamer's own switch: rank NONE keeps avdec_h264 from being chosen, as on a machine
    # without gstreamer1.0-libav. WebKit's report then says so, and the page plays the VP9 proxy
    # the library makes for what the report says it cannot play: no engine name decides it.
    report = gtk_self_test(xvfb_display, tmp_path, {"GST_PLUGIN_FEATURE_RANK": "avdec_h264:NONE"})
    assert report["exit_code"] == 0 and report["ok"] is True, ({k: report.get(k) for k in VERDICT}, report)
    assert report["codecs"]["h264_aac"] == "" and report["codecs"]["vp9_opus"] == "probably", report["codecs"]
    assert report["media"]["video_codec"] == "h264" and report["media"]["proxy"] == "ready"
    assert report["played_source"] == "proxy"
    assert report["playback_advancing"] is True and report["picture_change"] > 0
    assert report["csp_violations"] == [] and report["page_errors"] == []


def test_an_unknown_engine_is_refused_clearly() -> None:
    out = reelcut("--gui", "nosuch", timeout=60)
    assert out.returncode != 0
    assert "invalid choice: 'nosuch'" in out.stderr and "'qt', 'gtk'" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_missing_gtk_engine_says_what_to_install(tmp_path: Path) -> None:
    # a Python where `gi` cannot be imported: a module of that name that refuses, first on the path
    (tmp_path / "gi").mkdir()
    (tmp_path / "gi" / "__init__.py").write_text("raise ImportError('No module named gi (test)')\n")
    path = os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])
    out = reelcut("--gui", "gtk", env={"PYTHONPATH": path}, timeout=60)
    assert out.returncode == 2
    assert "the GTK window needs WebKitGTK and PyGObject" in out.stderr
    assert "apt-get install gir1.2-webkit2-4.1 gstreamer1.0-libav" in out.stderr
    assert "pip install 'reelcut[gtk]'" in out.stderr and "reelcut serve" in out.stderr
    assert "Traceback" not in out.stderr
