"""`reelcut doctor` as a user runs it: a line per check, and an exit code that says whether
Reelcut can work here. The window engines are asked for real: each opens a hidden window in a
child process, under a private X server (Xvfb) or none, and reports what it plays."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .fake_fal import FakeFal
from .test_cli import run_cli
from .test_desktop_gtk import gstreamer_decodes_h264
from .test_frozen import xvfb_display  # noqa: F401 - the fixture

FAKE_KEY = "doctor-id:doctor-secret"
LINE_STATUS = ("OK  ", "WARN", "FAIL")
NO_DISPLAY = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def doctor(*args: str, data_dir: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    """`reelcut doctor` with no display and no Qt platform of the caller's, plus env's."""
    base = {k: v for k, v in os.environ.items() if k not in NO_DISPLAY}
    return subprocess.run([sys.executable, "-m", "reelcut.cli", "doctor", *args], capture_output=True, text=True,
                          timeout=timeout, env={**base, "REELCUT_DATA_DIR": str(data_dir), **env})


def engines_of(stdout: str) -> dict[str, dict[str, Any]]:
    report = json.loads(stdout)
    check = next(c for c in report["checks"] if c["name"] == "window engines")
    return {e["engine"]: {**e, "check": check} for e in check["engines"]}


def line_of(stdout: str, name: str) -> str:
    return next(line for line in stdout.splitlines() if line[6:].startswith(f"{name}:"))


def probe_children(mark: str) -> list[int]:
    """The processes still running with mark in their environment (the doctor's children and
    their web processes inherit it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue  # ended meanwhile, or not ours
    return found


@pytest.fixture
def silent_display() -> Iterator[str]:
    """An X display that accepts connections and never answers: an engine's child hangs in its
    first call to the X server, for real."""
    sock = socket.socket()
    for number in range(150, 250):
        try:
            sock.bind(("127.0.0.1", 6000 + number))
            break
        except OSError:
            continue
    else:
        raise AssertionError("no free X port (6150-6249) for the silent display")
    sock.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{number}"
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        sock.close()


@pytest.mark.timeout(240)
def test_a_healthy_machine_is_all_ok(tmp_path: Path, xvfb_display: str) -> None:  # noqa: F811
    r = doctor(data_dir=tmp_path / "data", FAL_KEY=FAKE_KEY, DISPLAY=xvfb_display)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    checks = [line for line in lines if line.startswith(LINE_STATUS)]
    names = [line[6:].split(":")[0] for line in checks]
    assert names == ["ffmpeg", "PyAV", "window engines", "keyring", "data dir", "free space", "fal.ai key",
                     "port and Host"]
    assert all(line.startswith("OK  ") for line in checks), r.stdout
    assert "decoders h264, vp9, aac, opus" in r.stdout
    # each engine's own report: Qt WebEngine from PyPI (as the desktop extra installs it) has no
    # H.264; WebKitGTK plays it through GStreamer's libav decoder
    qt, gtk = line_of(r.stdout, "window engines").split("; WebKitGTK ")
    assert qt.startswith("OK    window engines: Qt WebEngine 6.") and "plays VP9/Opus" in qt, qt
    assert "proxies needed for H.264/AAC" in qt and "probed in" in qt, qt
    assert gtk.split(":")[1].strip().startswith("plays H.264/AAC, VP9/Opus"), gtk
    assert lines[-1] == f"Logs: {tmp_path / 'data' / 'logs' / 'reelcut.log'}"
    assert FAKE_KEY not in r.stdout
    assert r.stderr == ""


@pytest.mark.timeout(240)
def test_each_engine_reports_what_it_plays_from_its_own_page(tmp_path: Path, xvfb_display: str) -> None:  # noqa: F811
    r = doctor("--json", data_dir=tmp_path / "data", DISPLAY=xvfb_display)
    engines = engines_of(r.stdout)
    qt, gtk = engines["qt"], engines["gtk"]
    print({name: e.get("seconds") for name, e in engines.items()})  # the probe's runtime, for the record
    assert qt["check"]["status"] == "OK", qt["check"]
    assert qt["probed"] is True and qt["version"].startswith("Qt WebEngine 6.")
    # the page's canPlayType answers, as web/js/app/capabilities.js asks them
    assert qt["codecs"]["h264_aac"] == "" and qt["codecs"]["vp9_opus"] == "probably", qt
    assert "QtWebEngine/" in qt["user_agent"] and qt["proxies_needed"] is True
    assert "H.264/AAC" in qt["does_not_play"] and "VP9/Opus" in qt["plays"]
    assert gtk["probed"] is True and gtk["version"].startswith("WebKitGTK 2.")
    assert "AppleWebKit/605" in gtk["user_agent"] and "Chrome" not in gtk["user_agent"]
    assert gstreamer_decodes_h264(), "gstreamer1.0-libav is missing (scripts/test.sh installs it)"
    assert gtk["codecs"]["h264_aac"] == "probably" and "H.264/AAC" in gtk["plays"], gtk
    assert gtk["codecs"]["vp9_opus"] == "probably"
    assert set(qt["codecs"]) == set(gtk["codecs"]) == {"h264_aac", "vp9_opus", "av1"}
    assert all(0 < e["seconds"] < 30 for e in (qt, gtk))


@pytest.mark.timeout(240)
def test_without_a_display_qt_is_asked_offscreen_and_gtk_says_why_not(tmp_path: Path) -> None:
    r = doctor(data_dir=tmp_path / "data", FAL_KEY=FAKE_KEY)
    assert r.returncode == 0, r.stdout  # a window engine is not something `reelcut serve` needs
    line = line_of(r.stdout, "window engines")
    assert line.startswith("WARN  window engines: Qt WebEngine 6."), line
    assert "proxies needed for H.264/AAC" in line
    assert "WebKitGTK: cannot start: no display" in line
    assert "Fix: WebKitGTK: run reelcut doctor in your desktop session" in line and "xvfb-run" in line


@pytest.mark.timeout(240)
def test_a_hanging_engine_is_reported_killed_and_reaped(tmp_path: Path, silent_display: str) -> None:
    mark = f"doctor-test-{uuid.uuid4()}"
    started = time.monotonic()
    r = doctor("--json", "--probe-timeout", "4", data_dir=tmp_path / "data", DISPLAY=silent_display,
               REELCUT_TEST_MARK=mark)
    took = time.monotonic() - started
    engines = engines_of(r.stdout)
    for name in ("qt", "gtk"):
        e = engines[name]
        assert e["status"] == "WARN" and e["problem"] == "timeout", e
        assert "did not answer within 4 s (killed)" in e["error"]
        assert "DISPLAY names a working X server" in e["fix"]
    assert engines["qt"]["check"]["status"] == "WARN"
    assert took < 4 + 20, took  # both at once, each cut off at its limit
    assert probe_children(mark) == [], "a probe child or its web process outlived the doctor"


@pytest.mark.timeout(240)
def test_a_crashing_engine_is_reported_with_its_signal(tmp_path: Path) -> None:
    # a Qt platform that does not exist: Qt aborts before any window
    r = doctor(data_dir=tmp_path / "data", QT_QPA_PLATFORM="nosuch")
    assert r.returncode == 0
    line = line_of(r.stdout, "window engines")
    assert line.startswith("WARN  window engines: Qt WebEngine: the probe crashed: "), line
    assert "killed by SIGABRT" in line and "no Qt platform plugin could be initialized" in line
    assert "Fix: Qt WebEngine: reelcut --self-test --gui qt -v" in line


@pytest.mark.timeout(240)
def test_an_engine_that_is_not_installed_is_not_started(tmp_path: Path) -> None:
    # a Python where `gi` cannot be imported: a module of that name that refuses, first on the path
    (tmp_path / "gi").mkdir()
    (tmp_path / "gi" / "__init__.py").write_text("raise ImportError('No module named gi (test)')\n")
    path = os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH")) if p)
    r = doctor("--json", data_dir=tmp_path / "data", PYTHONPATH=path)
    engines = engines_of(r.stdout)
    assert engines["gtk"]["installed"] is False and "No module named gi (test)" in engines["gtk"]["error"]
    assert "probed" not in engines["gtk"]  # no child: nothing to ask
    # Qt alone, asked offscreen: all is well
    assert engines["qt"]["probed"] is True and engines["qt"]["check"]["status"] == "OK", engines["qt"]
    assert "WebKitGTK" not in engines["qt"]["check"]["detail"]


def test_no_probe_only_checks_what_is_installed(tmp_path: Path) -> None:
    r = doctor("--json", "--no-probe", data_dir=tmp_path / "data")
    engines = engines_of(r.stdout)
    assert engines["qt"]["installed"] is True and engines["qt"]["probed"] is False
    assert engines["gtk"]["installed"] is True and engines["gtk"]["probed"] is False
    assert engines["qt"]["check"]["status"] == "OK"
    assert "not asked what they play" in engines["qt"]["check"]["detail"]


def test_hidden_ffmpeg_fails_with_a_fix(tmp_path: Path) -> None:
    r = run_cli("doctor", "--no-probe", data_dir=tmp_path / "data", FAL_KEY=FAKE_KEY,
                REELCUT_FFMPEG=str(tmp_path / "no-ffmpeg"))
    assert r.returncode == 1, r.stdout
    line = next(line for line in r.stdout.splitlines() if line[6:].startswith("ffmpeg:"))
    assert line.startswith("FAIL  ffmpeg: ffmpeg was not found at")
    assert "Fix: reinstall Reelcut" in line and "REELCUT_FFMPEG" in line


def test_json_output_and_an_unwritable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    r = run_cli("doctor", "--json", "--no-probe", data_dir=blocker / "data")
    assert r.returncode == 1
    report = json.loads(r.stdout)
    assert report["ok"] is False
    by_name = {c["name"]: c for c in report["checks"]}
    assert by_name["data dir"]["status"] == "FAIL" and "--data-dir" in by_name["data dir"]["fix"]
    assert by_name["ffmpeg"]["status"] == "OK"
    # no key: a warning with its fix, not a failure (the offline models need none)
    assert by_name["fal.ai key"]["status"] == "WARN" and "FAL_KEY" in by_name["fal.ai key"]["fix"]


def test_online_asks_fal_whether_the_key_is_accepted(tmp_path: Path, fake_fal: FakeFal) -> None:
    r = run_cli("doctor", "--online", "--no-probe", data_dir=tmp_path / "data")  # fake_fal: FAL_KEY and fal's URLs
    assert r.returncode == 0, r.stdout
    assert "OK    fal.ai key: set (env) and accepted by fal.ai" in r.stdout, r.stdout
    r = run_cli("doctor", "--online", "--no-probe", data_dir=tmp_path / "data", FAL_KEY="wrong-id:wrong-secret")
    assert r.returncode == 1
    line = next(line for line in r.stdout.splitlines() if line[6:].startswith("fal.ai key"))
    assert line.startswith("FAIL  fal.ai key: set (env), and fal.ai refused it. Fix: make a new key"), line
    assert "wrong-secret" not in r.stdout
