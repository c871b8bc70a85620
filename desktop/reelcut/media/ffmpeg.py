"""ffmpeg's location: the one place that decides which binary runs."""

from __future__ import annotations

import os
import shutil
from functools import lru_cache

from ..errors import AppError


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """REELCUT_FFMPEG wins (packagers, tests of a missing ffmpeg); then the static build that
    imageio-ffmpeg ships (it has libx264, libvpx-vp9, drawtext); then the system's."""
    env = os.environ.get("REELCUT_FFMPEG")
    if env:
        if not (os.path.isfile(env) and os.access(env, os.X_OK)):
            raise AppError("ffmpeg_missing", f"ffmpeg was not found at {env} (REELCUT_FFMPEG).", status=500)
        return env
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception:  # noqa: BLE001 - any failure here means "look elsewhere"
        pass
    found = shutil.which("ffmpeg")
    if found:
        return found
    raise AppError("ffmpeg_missing", "ffmpeg was not found. Reinstall Reelcut or set REELCUT_FFMPEG.",
                   status=500)
