"""Real media files for tests, made with the same ffmpeg the app uses."""

from __future__ import annotations

import subprocess
from pathlib import Path

from reelcut.media.ffmpeg import ffmpeg_exe


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def make_video(path: Path, *, seconds: float = 2, size: str = "320x240", rate: int = 25,
               color: str | None = None, faststart: bool = True, keyint: int | None = None,
               tone: int = 440) -> Path:
    """H.264/AAC MP4; a solid colour when `color` is given (for frame checks), else a test pattern.
    `keyint`: frames between keyframes (x264's default is 250). `tone`: the sine's frequency (Hz),
    so a mix can tell which clip's sound is in it."""
    picture = f"color=c={color}:s={size}:r={rate}" if color else f"testsrc2=size={size}:rate={rate}"
    args = ["-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", f"sine=frequency={tone}:sample_rate=48000",
            "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "-shortest"]
    if faststart:
        args += ["-movflags", "+faststart"]
    if keyint:
        args += ["-g", str(keyint)]
    _ffmpeg(*args, str(path))
    return path


def make_image(path: Path, size: str = "640x360", noise: bool = False) -> Path:
    """A PNG; with noise it does not compress, for tests that need a large file."""
    source = f"testsrc2=size={size}" + (",noise=alls=100:allf=t" if noise else "")
    _ffmpeg("-f", "lavfi", "-i", source, "-frames:v", "1", str(path))
    return path


def make_audio(path: Path, seconds: float = 1.5, tone: int = 330) -> Path:
    _ffmpeg("-f", "lavfi", "-i", f"sine=frequency={tone}:sample_rate=44100", "-t", str(seconds), str(path))
    return path


def make_text(path: Path) -> Path:
    path.write_text("this is not a video\n" * 20)
    return path
