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


def _make_av(path: Path, video_graph: str, *, seconds: float, tone: float | None, rate: int) -> Path:
    """An MP4 from a lavfi graph ending in [v], with a sine tone (or no sound). Keyframes every 5
    frames: cheap to seek exactly into."""
    graph = video_graph
    maps = ["-map", "[v]"]
    if tone is not None:
        graph += f";sine=frequency={tone}:sample_rate=48000:duration={seconds}[a]"
        maps += ["-map", "[a]", "-c:a", "aac"]
    _ffmpeg("-filter_complex", graph, *maps, "-t", str(seconds), "-r", str(rate), "-c:v", "libx264",
            "-preset", "ultrafast", "-g", "5", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path))
    return path


def make_solid(path: Path, color: str = "red", *, seconds: float = 2, size: str = "160x90", rate: int = 25,
               tone: float | None = 440) -> Path:
    """One colour all through, with a sine tone at `tone` Hz (None: no sound)."""
    return _make_av(path, f"color=c={color}:s={size}:r={rate}:d={seconds}[v]", seconds=seconds, tone=tone, rate=rate)


def make_superwhite(path: Path, *, seconds: float = 2, size: str = "160x90", rate: int = 25) -> Path:
    """Luma 250, above video white (235), with neutral chroma: a camera's clipped highlight."""
    return _make_av(path, f"color=c=white:s={size}:r={rate}:d={seconds},lutyuv=y=250:u=128:v=128[v]",
                    seconds=seconds, tone=440, rate=rate)


def make_bands(path: Path, colors: list[str], *, vertical: bool = False, seconds: float = 2,
               size: str = "160x90", rate: int = 25, tone: float | None = 440) -> Path:
    """Equal bands of colour, left to right (top to bottom when vertical): a picture whose
    orientation, and which part of it is shown, a test can read."""
    w, h = (int(v) for v in size.split("x"))
    n = len(colors)
    band = f"{w}x{h // n}" if vertical else f"{w // n}x{h}"
    parts = [f"color=c={c}:s={band}:r={rate}:d={seconds}[b{i}]" for i, c in enumerate(colors)]
    stack = f"vstack=inputs={n}" if vertical else f"hstack=inputs={n}"
    graph = ";".join(parts) + ";" + "".join(f"[b{i}]" for i in range(n)) + f"{stack}[v]"
    return _make_av(path, graph, seconds=seconds, tone=tone, rate=rate)


def make_sequence(path: Path, colors: list[str], *, seconds_each: float = 1, size: str = "160x90", rate: int = 25,
                  tone: float | None = 440) -> Path:
    """One colour after another, each for `seconds_each`: which colour a frame shows says which
    moment of the source it came from."""
    parts = [f"color=c={c}:s={size}:r={rate}:d={seconds_each}[c{i}]" for i, c in enumerate(colors)]
    graph = ";".join(parts) + ";" + "".join(f"[c{i}]" for i in range(len(colors))) + \
        f"concat=n={len(colors)}:v=1:a=0[v]"
    return _make_av(path, graph, seconds=seconds_each * len(colors), tone=tone, rate=rate)
