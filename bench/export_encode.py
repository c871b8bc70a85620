"""Export against bare ffmpeg doing the same encode from the command line."""

from __future__ import annotations

import subprocess
import time

from reelcut.media.compose import Source, build_export_args
from reelcut.media.ffmpeg import ffmpeg_exe
from reelcut.media.fonts import find_font

from .common import Row, median_of, scratch
from .fixtures import make_clip, services_at


def run(small: bool) -> list[Row]:
    seconds = 3 if small else 10
    with scratch() as d:
        clip = make_clip(d / "clip.mp4", seconds=seconds, size="1920x1080")
        b = services_at(d / "data")
        pid = b.projects.create("Bench")["id"]
        item = b.media.import_path(pid, clip)
        tl = b.projects.timeline(pid)
        tl.update({"width": 1920, "height": 1080, "fps": 25})
        tl["tracks"][0]["clips"] = [{"id": "c", "media_id": item["id"], "start": 0, "in": 0, "out": seconds}]
        b.projects.save_timeline(pid, tl)

        def export() -> float:
            t = time.perf_counter()
            job = b.exports.wait(b.exports.start(pid)["id"], timeout=600)
            assert job["status"] == "done", job
            return time.perf_counter() - t

        src, _ = b.media.file_path(item["id"])
        work = d / "bare"
        work.mkdir()
        args, _ = build_export_args(tl, {item["id"]: Source(src, "video", True, True)}, work / "out.mp4", work,
                                    find_font())

        def bare() -> float:
            t = time.perf_counter()
            subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)
            return time.perf_counter() - t

        runs = 3
        base = median_of(runs, bare)
        ours = median_of(runs, export)
        b.close()
    return [Row(f"export {seconds} s of 1080p, s", ours, "s", "bare ffmpeg, same graph, s", base, "<= 1.1x",
                ours <= 1.1 * base)]
