"""Animated values cost time in proportion to the frames (issue 29, finding 2): render time per
frame of a clip whose rotation, position and volume change on every frame, and of one whose
opacity does, against the same clip held still, at one, five and ten minutes. sendcmd looks at
every interval it holds on every frame, so before the scripts were cut into windows
(media/commands.py) a moving clip's cost per frame grew with its length. Target: at most 1.5x the
still clip, and flat (the ten-minute clip's cost per frame within 1.25x the one-minute clip's).
The opacity used to be applied by lut, whose tables are rebuilt on each command (about 4 ms: 3.9x
the still clip at one minute, 3.1x at ten); it is now blend's option, a number (media/layers.py).

A 16x16 canvas at 120 fps (as the issue measured it), so the per-frame overhead of the values
is not hidden under the pixels. Timed as CPU seconds of this process and ffmpeg (building the
graph and its scripts, then the render), steadier than wall time on shared cores; the median
of a few runs taken in turn."""

from __future__ import annotations

import resource
import statistics
import subprocess
from pathlib import Path
from typing import Any

from reelcut.media.compose import Source, build_export_args
from reelcut.media.ffmpeg import ffmpeg_exe

from .common import Row, scratch

SIZE, FPS = 16, 120
KINDS = ("still", "moving", "fading")


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _zigzag(seconds: float, period: float, low: float, high: float) -> list[dict[str, Any]]:
    keys, t, up = [], 0.0, True
    while t <= seconds + period:
        keys.append({"time": round(t, 6), "value": low if up else high, "easing": "ease-in-out"})
        t, up = t + period, not up
    return keys


def _doc(seconds: float, kind: str) -> dict[str, Any]:
    """still: every value set and held; moving: rotation (in 0.05° steps), position and volume
    change on every frame; fading: the opacity does (in 1/255 steps)."""
    clip: dict[str, Any] = {"id": "c", "media_id": "m", "start": 0, "in": 0, "out": seconds,
                            "transform": {"rotation": 20, "x": 0.5}, "opacity": 0.7, "volume": 0.5}
    if kind == "moving":
        clip["keyframes"] = {"transform.rotation": _zigzag(seconds, 5, -60, 60),
                             "transform.x": _zigzag(seconds, 7, 0.3, 0.7), "volume": _zigzag(seconds, 2, 0.1, 1)}
    elif kind == "fading":
        clip["keyframes"] = {"opacity": _zigzag(seconds, 2, 0.1, 1)}
    return {"version": 2, "width": SIZE, "height": SIZE, "fps": FPS,
            "tracks": [{"id": "t", "kind": "video", "muted": False, "hidden": False, "clips": [clip]}]}


def _source(path: Path, seconds: float) -> Path:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size={SIZE}x{SIZE}:rate=30",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", str(seconds),
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
                    "-shortest", str(path)], check=True)
    return path


def render_seconds(work: Path, source: Path, seconds: float, kind: str) -> float:
    """CPU seconds to build the export's graph for the clip and render it."""
    work.mkdir()
    before = _cpu()
    args, _ = build_export_args(_doc(seconds, kind), {"m": Source(source, "video", True, True)},
                                work / "out.mp4", work, None)
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)
    return _cpu() - before


def per_frame(d: Path, source: Path, seconds: float, runs: int) -> dict[str, float]:
    """Median milliseconds per output frame of each kind of clip, the kinds taken in turn."""
    times: dict[str, list[float]] = {k: [] for k in KINDS}
    for i in range(runs):
        for kind in KINDS:
            times[kind].append(render_seconds(d / f"{kind}-{seconds:g}-{i}", source, seconds, kind))
    return {k: statistics.median(v) / (seconds * FPS) * 1000 for k, v in times.items()}


def run(small: bool) -> list[Row]:
    lengths = (5.0, 20.0) if small else (60.0, 300.0, 600.0)
    rows = []
    with scratch() as d:
        source = _source(d / "src.mp4", lengths[-1] + 1)
        results = {seconds: per_frame(d, source, seconds, 1) for seconds in lengths}
        for seconds, r in results.items():
            name = f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"
            rows.append(Row(f"{name}: rotation, position, volume change every frame", r["moving"], "ms",
                            f"the same clip held still ({name}), per frame", r["still"], "<= 1.5x",
                            r["moving"] <= 1.5 * r["still"]))
            rows.append(Row(f"{name}: opacity changes every frame", r["fading"], "ms",
                            f"the same clip held still ({name}), per frame", r["still"], "<= 1.5x",
                            r["fading"] <= 1.5 * r["still"]))
        short, long = results[lengths[0]], results[lengths[-1]]
        for kind in ("moving", "fading", "still"):
            rows.append(Row(f"{kind}, per frame: {lengths[-1]:g} s against {lengths[0]:g} s", long[kind], "ms",
                            f"{kind}, {lengths[0]:g} s, per frame", short[kind], "<= 1.25x (flat)",
                            long[kind] <= 1.25 * short[kind]))
    return rows
