"""Proxy encode through the app (background worker, progress events) against bare ffmpeg
running the same arguments from the command line."""

from __future__ import annotations

import subprocess
import time

from reelcut.media.ffmpeg import ffmpeg_exe
from reelcut.render.proxies import proxy_args

from .common import Row, median_of, scratch
from .fixtures import make_clip, services_at

QT = {"h264_aac": "", "vp9_opus": "probably", "av1": "probably"}


def run(small: bool) -> list[Row]:
    seconds = 2 if small else 6
    with scratch() as d:
        clip = make_clip(d / "clip.mp4", seconds=seconds, size="1920x1080")
        b = services_at(d / "data")
        pid = b.projects.create("Bench")["id"]
        b.proxies.report_capabilities(QT)

        def through_app() -> float:
            item = b.media.import_path(pid, clip)
            # the import itself is not the encode: time from its request to ready
            t = time.perf_counter()
            while b.media.get(item["id"])["proxy"]["status"] not in ("ready", "failed"):
                time.sleep(0.005)
            assert b.media.get(item["id"])["proxy"]["status"] == "ready"
            return time.perf_counter() - t

        def bare() -> float:
            out = d / "bare.webm"
            t = time.perf_counter()
            subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *proxy_args(clip, out, 1080, 25)],
                           check=True)
            return time.perf_counter() - t

        runs = 3
        base = median_of(runs, bare)
        ours = median_of(runs, through_app)
        b.close()
    return [Row(f"VP9 proxy of {seconds} s of 1080p, s", ours, "s", "bare ffmpeg, same arguments, s", base,
                "<= 1.1x", ours <= 1.1 * base),
            Row("proxy speed, x real time", seconds / ours, "x", "", None, "", None)]
