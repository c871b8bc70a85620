"""Running ffmpeg with progress and cancel: the one place that starts an ffmpeg that can last."""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from ..errors import AppError, from_os_error
from .ffmpeg import ffmpeg_exe

log = logging.getLogger(__name__)


class EncodeCancelled(Exception):
    pass


# the "[vost#0:0/libvpx-vp9 @ 0x55…] [enc:libvpx-vp9 @ 0x55…] " ffmpeg puts before a message
_PREFIX = re.compile(r"^(\[[^\]]*\] ?)+")
KEYFRAME_SECONDS = 0.5


def seekable_keyframes(fps: float | None) -> list[str]:
    """Encoder arguments for a keyframe every half second: a seek then decodes at most that much
    video (an encoder's default spacing, often 10 s, makes a seek decode up to 250 frames)."""
    return ["-g", str(max(1, round((fps or 25) * KEYFRAME_SECONDS)))]


@lru_cache(maxsize=1)
def _dies_with_parent() -> tuple[str, ...]:
    """Linux: the prefix that makes ffmpeg die if Reelcut is killed (crash, SIGKILL) instead of
    rendering on, orphaned, into a temp dir that the next start-up deletes. util-linux's setpriv
    sets PR_SET_PDEATHSIG and then execs ffmpeg. Not a `preexec_fn`: Python code run between fork
    and exec in a process with threads can wait forever on a lock another thread held at the fork
    (PyAV 18.1.1's scaler did: a frame converter freed in the child waited for its slice threads,
    which the child does not have, and the server waited for that child)."""
    if not sys.platform.startswith("linux"):
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is not None:
        prefix = (setpriv, "--pdeathsig", "KILL", "--")
        try:
            if subprocess.run([*prefix, setpriv, "--version"], capture_output=True, timeout=10).returncode == 0:
                return prefix
        except (OSError, subprocess.TimeoutExpired):
            pass
    log.warning("setpriv --pdeathsig is not available: an ffmpeg would outlive a crash of Reelcut")
    return ()


def spawn_ffmpeg(args: Sequence[str], *, background: bool = False, **popen: Any) -> subprocess.Popen[Any]:
    """Start ffmpeg with `args`: every run that can last (encodes, waveforms) starts here; short
    probes use subprocess.run with a timeout. `background` work nobody waits for
    (proxies) runs at a lower priority, so the page, playback and the user's own jobs keep the
    cores. Raises AppError("ffmpeg_missing") when it cannot start."""
    try:
        proc = subprocess.Popen([*_dies_with_parent(), ffmpeg_exe(), *args],
                                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0), **popen)
    except OSError as exc:
        raise AppError("ffmpeg_missing", f"ffmpeg could not be started: {exc.strerror}.") from exc
    if background and hasattr(os, "setpriority"):
        try:
            os.setpriority(os.PRIO_PROCESS, proc.pid, os.getpriority(os.PRIO_PROCESS, 0) + 10)
        except OSError:
            pass  # it has already ended, or may not be lowered here: it only runs sooner
    return proc


def run_ffmpeg(args: Sequence[str], *, duration: float, on_progress: Callable[[float], None] | None = None,
               cancel: threading.Event | None = None, what: str = "ffmpeg", background: bool = False) -> None:
    """Run ffmpeg with `args` (inputs, filters, output) and report 0..1 from `-progress`.
    Killing the process is how cancel works; the caller owns the output file's cleanup.
    `background`: see spawn_ffmpeg."""
    proc = spawn_ffmpeg(["-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                         "-progress", "pipe:1", "-nostats", *args], background=background,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.extend(proc.stderr), daemon=True)  # type: ignore[arg-type]
    reader.start()
    watcher = None
    if cancel is not None:
        def watch() -> None:
            while proc.poll() is None:
                if cancel.wait(0.1):
                    proc.kill()
                    return
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
    assert proc.stdout is not None and proc.stderr is not None
    try:
        for line in proc.stdout:
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and on_progress and duration > 0 and value.isdigit():
                on_progress(min(1.0, int(value) / 1e6 / duration))
        code = proc.wait()
    finally:
        if proc.poll() is None:  # a progress callback failed: ffmpeg must not render on, unseen
            proc.kill()
            proc.wait()
        proc.stdout.close()
        reader.join(timeout=5)
        if not reader.is_alive():
            proc.stderr.close()
    if cancel is not None and cancel.is_set():
        raise EncodeCancelled()
    if code != 0:
        text = "".join(stderr)
        log.warning("%s failed: ffmpeg exited with %s; the end of its stderr:\n%s", what, code, _tail(text))
        if "No space left on device" in text:
            raise from_os_error(OSError(errno.ENOSPC, "No space left on device"), f"running {what.lower()}")
        raise AppError("ffmpeg_failed", f"{what} failed: {_reason(text, code)}")


def _tail(stderr: str, lines: int = 20, chars: int = 4000) -> str:
    """The end of ffmpeg's stderr, for the log file: the last lines say why it stopped."""
    return "\n".join(stderr.rstrip().splitlines()[-lines:])[-chars:]


def _reason(stderr: str, code: int) -> str:
    """What ffmpeg said went wrong: its first error (the cause: "Pixel format 'gbrap' is not widely
    supported", "moov atom not found"), not its last (the consequence: "Nothing was written into
    output file"), without the "[component @ 0x…]" prefixes, and kept to a readable length."""
    for line in stderr.splitlines():
        text = _PREFIX.sub("", line).strip()
        if text:
            return text if len(text) <= 300 else text[:297] + "..."
    return f"exit code {code}"
