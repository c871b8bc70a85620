"""ffmpeg: the one place that decides which binary runs, and which options it understands."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import lru_cache

from ..errors import AppError


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """REELCUT_FFMPEG wins (packagers, tests of a missing ffmpeg); then the static build that
    imageio-ffmpeg ships (it has libx264, libvpx-vp9, drawtext); then the system's."""
    env = os.environ.get("REELCUT_FFMPEG")
    if env:
        if not (os.path.isfile(env) and os.access(env, os.X_OK)):
            raise AppError("ffmpeg_missing", f"ffmpeg was not found at {env} (REELCUT_FFMPEG).")
        return env
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception:  # noqa: BLE001 - any failure here means "look elsewhere"
        pass
    found = shutil.which("ffmpeg")
    if found:
        return found
    raise AppError("ffmpeg_missing", "ffmpeg was not found. Reinstall Reelcut or set REELCUT_FFMPEG.")


_VERSION = re.compile(r"ffmpeg version \D*(\d+)\.")


def major_version(banner: str) -> int | None:
    """The major version in `ffmpeg -version`'s first line ("ffmpeg version n9.0.2-17-…",
    "ffmpeg version 5.1.6-0+deb12u1"); None for a build that names none (a git snapshot)."""
    m = _VERSION.match(banner)
    return int(m.group(1)) if m else None


def graph_file_option() -> str:
    """The option that reads a filter graph from a file. ffmpeg 7 added `-/filter_complex FILE`
    and deprecated `-filter_complex_script`, which 9.0 (imageio-ffmpeg's) no longer knows;
    Debian 12's system ffmpeg is 5.1 and knows only the old one."""
    return _graph_file_option(ffmpeg_exe())


@lru_cache(maxsize=4)
def _graph_file_option(exe: str) -> str:
    try:
        out = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True, text=True, timeout=30)
        version = major_version(out.stdout)
    except (OSError, subprocess.TimeoutExpired):
        version = None  # the real run reports why ffmpeg cannot start
    return "-filter_complex_script" if version is not None and version < 7 else "-/filter_complex"
