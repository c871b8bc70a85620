"""Export against bare ffmpeg running the same graph from the command line: a plain clip, and a
timeline with a crossfade and a keyframed scale (per-frame values in sendcmd scripts). The
export's own cost is what it adds around ffmpeg: building the graph and its scripts, the job
thread, progress parsing and moving the file into place. Target: at most 1.1x."""

from __future__ import annotations

import resource
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelcut.library.timeline import VERSION
from reelcut.media.compose import Source, build_export_args
from reelcut.media.ffmpeg import ffmpeg_exe
from reelcut.media.fonts import find_font
from reelcut.services import Services

from .common import Row, scratch
from .fixtures import make_clip, services_at


def _animated_tracks(media_id: str, seconds: float) -> list[dict[str, Any]]:
    """Two clips of the source: the second crossfades in over the first's last second and
    zooms out and back in (scale keyframes, eased)."""
    scale = [{"time": 0, "value": 1.0, "easing": "ease-in-out"},
             {"time": seconds / 2, "value": 0.6, "easing": "ease-in-out"},
             {"time": seconds - 0.5, "value": 1.0, "easing": "linear"}]  # keyframes lie within the clip
    return [{"id": "v", "kind": "video", "muted": False, "hidden": False, "clips": [
        {"id": "a", "media_id": media_id, "start": 0, "in": 0, "out": seconds},
        {"id": "b", "media_id": media_id, "start": seconds - 1, "in": 0, "out": seconds,
         "transition_in": {"type": "crossfade", "duration": 1.0}, "keyframes": {"transform.scale": scale}}]}]


@dataclass
class Timing:
    wall: float
    cpu: float  # this process and its children (ffmpeg): steadier than wall time on shared cores


def _timed(fn: Callable[[], None]) -> Timing:
    before, t = _cpu(), time.perf_counter()
    fn()
    return Timing(time.perf_counter() - t, _cpu() - before)


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _measure(b: Services, pid: str, tl: dict[str, Any], source: Source, media_id: str, work: Path,
             runs: int) -> tuple[Timing, Timing]:
    """(export through the job, bare ffmpeg on the same arguments): medians of runs taken in
    turn, so a neighbour's load drifting over the minutes weighs on both alike."""
    b.projects.save_timeline(pid, tl)

    def export() -> None:
        job = b.exports.wait(b.exports.start(pid)["id"], timeout=600)
        assert job["status"] == "done", job

    work.mkdir()
    args, _ = build_export_args(tl, {media_id: source}, work / "out.mp4", work, find_font())

    def bare() -> None:
        subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)

    ours, base = [], []
    for _ in range(runs):
        base.append(_timed(bare))
        ours.append(_timed(export))

    def median(ts: list[Timing]) -> Timing:
        return Timing(statistics.median(t.wall for t in ts), statistics.median(t.cpu for t in ts))

    return median(ours), median(base)


def run(small: bool) -> list[Row]:
    seconds = 3 if small else 10
    runs = 3
    with scratch() as d:
        clip = make_clip(d / "clip.mp4", seconds=seconds, size="1920x1080")
        b = services_at(d / "data")
        # the export's cost around an encode is measured: a plain clip would be copied, not encoded
        # (smart render has its own bench, bench/smart_render.py)
        b.preferences.update({"smart_render": False})
        pid = b.projects.create("Bench")["id"]
        item = b.media.import_path(pid, clip)
        src, _ = b.media.file_path(item["id"])
        source = Source(src, "video", True, True)
        tl = b.projects.timeline(pid)
        tl.update({"width": 1920, "height": 1080, "fps": 25})
        tl["tracks"][0]["clips"] = [{"id": "c", "media_id": item["id"], "start": 0, "in": 0, "out": seconds}]
        plain = _measure(b, pid, tl, source, item["id"], d / "bare-plain", runs)
        # The document carries this tree's VERSION: until v2 validation lands (h-docv2) the
        # v1 validation passes it (it ignores fields it does not know); after, it is a v2 document.
        animated_tl = {**tl, "version": VERSION, "tracks": _animated_tracks(item["id"], seconds)}
        animated = _measure(b, pid, animated_tl, source, item["id"], d / "bare-animated", runs)
        b.close()
    length = 2 * seconds - 1
    rows = []
    for what, (ours, base) in ((f"export {seconds} s of 1080p", plain),
                               (f"export {length} s of 1080p, crossfade + keyframed scale", animated)):
        rows.append(Row(f"{what}, s", ours.wall, "s", "bare ffmpeg, same graph and scripts, s", base.wall,
                        "<= 1.1x", ours.wall <= 1.1 * base.wall))
        rows.append(Row(f"{what}, CPU s", ours.cpu, "s", "bare ffmpeg, same graph and scripts, CPU s", base.cpu,
                        "<= 1.1x", ours.cpu <= 1.1 * base.cpu))
    return rows
