"""How ffmpeg is started: no Python runs between fork and exec (a lock held by another thread at
the fork would hang the child, and the server with it: PyAV 18.1.1 did, and CI stalled), yet it
still dies with Reelcut, and background work still runs at a lower priority."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from . import media_samples as ms

pytestmark = pytest.mark.timeout(120)


def run_python(code: str, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                          timeout=timeout)


def test_no_python_runs_in_the_child_before_ffmpeg(tmp_path: Path) -> None:
    # an at-fork hook runs in the child whenever Python code does (a preexec_fn): it leaves a mark
    marks = tmp_path / "marks"
    sound = ms.make_audio(tmp_path / "tone.wav", seconds=1)
    done = run_python("""
        import os, sys
        from pathlib import Path
        from reelcut.media.encode import run_ffmpeg
        from reelcut.media.filmstrip import waveform_peaks

        marks = sys.argv[1]
        os.register_at_fork(after_in_child=lambda: open(marks, "a").write(f"{os.getpid()}\\n"))
        graph = ["-f", "lavfi", "-i", "testsrc2=size=64x36:duration=0.5", "-f", "null", "-"]
        run_ffmpeg(graph, duration=0.5)
        run_ffmpeg(graph, duration=0.5, background=True)
        peaks = waveform_peaks(Path(sys.argv[2]))["peaks"]
        print(len(peaks), max(peaks))
        """, str(marks), str(sound))
    assert done.returncode == 0, done.stderr
    count, loudest = done.stdout.split()
    assert int(count) == 50 and float(loudest) > 0.1  # the waveform was really read
    assert not marks.exists(), f"Python ran in {len(marks.read_text().splitlines())} ffmpeg child(ren)"


def test_ffmpeg_dies_with_reelcut_and_background_work_is_nicer() -> None:
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import subprocess, sys, time
        from reelcut.media.encode import spawn_ffmpeg

        graph = ["-nostdin", "-re", "-f", "lavfi", "-i", "testsrc2=size=64x36:duration=600", "-f", "null", "-"]
        for background in (False, True):
            print(spawn_ffmpeg(graph, background=background, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL).pid, flush=True)
        time.sleep(600)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        pids = [int(parent.stdout.readline()) for _ in range(2)]
        nice = [int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16]) for pid in pids]
        own = os.getpriority(os.PRIO_PROCESS, 0)
        assert nice == [own, own + 10] or (own + 10 > 19 and nice[1] == 19), nice
        for pid in pids:  # setpriv has become ffmpeg: a child that failed to start would "die" at once
            deadline = time.monotonic() + 10
            while b"ffmpeg" not in (program := _program(pid)) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert b"ffmpeg" in program, program
    finally:
        parent.send_signal(signal.SIGKILL)  # a crash: nothing of Reelcut's own runs
        parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while (alive := [pid for pid in pids if _running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive, f"ffmpeg {alive} outlived the process that started it"


def _program(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
    except OSError:
        return b""


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting for its (new) parent to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
