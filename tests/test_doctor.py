"""`reelcut doctor` as a user runs it: a line per check, and an exit code that says whether
Reelcut can work here."""

from __future__ import annotations

import json
from pathlib import Path

from .fake_fal import FakeFal
from .test_cli import run_cli

FAKE_KEY = "doctor-id:doctor-secret"
LINE_STATUS = ("OK  ", "WARN", "FAIL")


def test_a_healthy_machine_is_all_ok(tmp_path: Path) -> None:
    r = run_cli("doctor", data_dir=tmp_path / "data", FAL_KEY=FAKE_KEY)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    checks = [line for line in lines if line.startswith(LINE_STATUS)]
    names = [line[6:].split(":")[0] for line in checks]
    assert names == ["ffmpeg", "PyAV", "window engines", "keyring", "data dir", "free space", "fal.ai key",
                     "port and Host"]
    assert all(line.startswith("OK  ") for line in checks), r.stdout
    assert "decoders h264, vp9, aac, opus" in r.stdout
    assert "H.264: proxies needed" in r.stdout  # Qt WebEngine from PyPI, as the desktop extra installs it
    assert lines[-1] == f"Logs: {tmp_path / 'data' / 'logs' / 'reelcut.log'}"
    assert FAKE_KEY not in r.stdout
    assert r.stderr == ""


def test_hidden_ffmpeg_fails_with_a_fix(tmp_path: Path) -> None:
    r = run_cli("doctor", data_dir=tmp_path / "data", FAL_KEY=FAKE_KEY, REELCUT_FFMPEG=str(tmp_path / "no-ffmpeg"))
    assert r.returncode == 1, r.stdout
    line = next(line for line in r.stdout.splitlines() if line[6:].startswith("ffmpeg:"))
    assert line.startswith("FAIL  ffmpeg: ffmpeg was not found at")
    assert "Fix: reinstall Reelcut" in line and "REELCUT_FFMPEG" in line


def test_json_output_and_an_unwritable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    r = run_cli("doctor", "--json", data_dir=blocker / "data")
    assert r.returncode == 1
    report = json.loads(r.stdout)
    assert report["ok"] is False
    by_name = {c["name"]: c for c in report["checks"]}
    assert by_name["data dir"]["status"] == "FAIL" and "--data-dir" in by_name["data dir"]["fix"]
    assert by_name["ffmpeg"]["status"] == "OK"
    # no key: a warning with its fix, not a failure (the offline models need none)
    assert by_name["fal.ai key"]["status"] == "WARN" and "FAL_KEY" in by_name["fal.ai key"]["fix"]


def test_online_asks_fal_whether_the_key_is_accepted(tmp_path: Path, fake_fal: FakeFal) -> None:
    r = run_cli("doctor", "--online", data_dir=tmp_path / "data")  # fake_fal: FAL_KEY and fal's URLs
    assert r.returncode == 0, r.stdout
    assert "OK    fal.ai key: set (env) and accepted by fal.ai" in r.stdout, r.stdout
    r = run_cli("doctor", "--online", data_dir=tmp_path / "data", FAL_KEY="wrong-id:wrong-secret")
    assert r.returncode == 1
    line = next(line for line in r.stdout.splitlines() if line[6:].startswith("fal.ai key"))
    assert line.startswith("FAIL  fal.ai key: set (env), and fal.ai refused it. Fix: make a new key"), line
    assert "wrong-secret" not in r.stdout
