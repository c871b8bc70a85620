"""scripts/run.sh's choice: the desktop window where there is a display, a browser (saying why,
in one line) where there is none. REELCUT_RUN_DRY_RUN prints the decision without installing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NO_DISPLAY = ("No display found (DISPLAY/WAYLAND_DISPLAY unset): serving for a browser at the address below.")


def run_sh(*args: str, wrap: list[str] | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run([*(wrap or []), "bash", str(ROOT / "scripts" / "run.sh"), *args], capture_output=True,
                          text=True, timeout=60, env={**base, "REELCUT_RUN_DRY_RUN": "1", **env})


def test_no_display_serves_for_a_browser_and_says_why_in_one_line() -> None:
    r = run_sh()
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [NO_DISPLAY, "would run: reelcut serve "]


def test_a_display_opens_the_window_under_xvfb() -> None:
    xvfb_run = shutil.which("xvfb-run")
    assert xvfb_run, "xvfb-run is needed (scripts/test.sh installs xvfb)"
    # xvfb-run starts a real X server and sets DISPLAY for the script
    r = run_sh(wrap=[xvfb_run, "-a"])
    assert r.returncode == 0, r.stderr
    first, second = r.stdout.splitlines()
    assert first.startswith("Display found (DISPLAY=:") and first.endswith("): opening the Reelcut window.")
    assert second == "would run: reelcut"


def test_wayland_counts_as_a_display_and_options_mean_a_browser() -> None:
    r = run_sh(WAYLAND_DISPLAY="wayland-0")
    assert r.stdout.splitlines() == ["Display found (WAYLAND_DISPLAY=wayland-0): opening the Reelcut window.",
                                     "would run: reelcut"]
    r = run_sh("--no-browser", "--port", "8123", DISPLAY=":5")
    assert r.stdout.splitlines() == ["Serving for a browser, as asked on the command line.",
                                     "would run: reelcut serve --no-browser --port 8123"]
    r = run_sh("--browser", DISPLAY=":5")
    assert r.stdout.splitlines()[1] == "would run: reelcut serve "


def _asked_packages(script: str, tmp_path: Path) -> list[str]:
    """The Debian packages `script` asks for on a bare machine: a `dpkg` that knows of no package
    and an `id` that is not root, so bootstrap.sh names what is missing and stops before apt-get."""
    fake = tmp_path / "bin"
    fake.mkdir(parents=True)
    for name, body in (("dpkg", "exit 1"), ("id", 'echo 1000')):
        (fake / name).write_text(f"#!/bin/sh\n{body}\n")
        (fake / name).chmod(0o755)
    base = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    r = subprocess.run(["bash", str(ROOT / "scripts" / script)], capture_output=True, text=True, timeout=60,
                       env={**base, "PATH": f"{fake}:{base['PATH']}"})
    assert r.returncode == 1, r.stdout + r.stderr
    line = next(x for x in r.stderr.splitlines() if x.startswith("Reelcut needs these Debian packages: "))
    return line.split(": ", 1)[1].split(" (run as root")[0].split()


def test_the_test_command_and_the_app_install_espeak_ng_for_the_offline_voice(tmp_path: Path) -> None:
    # local/voice speaks with espeak-ng: the README's test command (what CI runs) and the app's
    # install both put it on a clean Debian machine, beside the title font
    tested = _asked_packages("test.sh", tmp_path / "t")
    assert {"espeak-ng", "fonts-dejavu-core", "chromium"} <= set(tested)
    served = _asked_packages("run.sh", tmp_path / "r")
    assert {"espeak-ng", "fonts-dejavu-core"} <= set(served)
