"""Smart render (issue 31): a 60 s timeline of six whole 1080p30 H.264/AAC clips (the export's
own format: High profile, yuv420p, AAC 48 kHz stereo, a keyframe every 2 s), exported through
the job with smart render on, against a bare ffmpeg re-encode running the export's own
arguments (what the export did before; what it does with smart render off) and against
ffmpeg's concat demuxer copying the same streams (the floor). Targets from the issue: at most
0.1x the re-encode, at most 3x the stream copy. Then the same clips each cut from 0.5 s, between
two keyframes: smart render re-encodes each clip's 1.5 s to its next keyframe and copies the
rest (a splice), against the bare re-encode of that timeline; target at most 0.35x. Small: six
4 s clips of 320x180."""

from __future__ import annotations

import statistics
import subprocess
import time
from pathlib import Path

from reelcut.media.compose import build_export_args
from reelcut.media.ffmpeg import ffmpeg_exe
from reelcut.media.fonts import find_font

from .common import Row, scratch
from .fixtures import services_at

CLIPS = 6
FPS = 30


def _clip(path: Path, seconds: float, size: str, tone: int) -> Path:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={FPS}",
                    "-f", "lavfi", "-i", f"sine=frequency={tone}:sample_rate=48000", "-t", str(seconds),
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-g", str(2 * FPS),
                    "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2", "-movflags", "+faststart", str(path)],
                   check=True)
    return path


def _ffmpeg(args: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)
    return time.perf_counter() - t


def run(small: bool) -> list[Row]:
    seconds, size = (4, "320x180") if small else (10, "1920x1080")
    w, h = (int(v) for v in size.split("x"))
    total = CLIPS * seconds
    with scratch() as d:
        b = services_at(d / "data")
        pid = b.projects.create("Bench")["id"]
        items = [b.media.import_path(pid, _clip(d / f"clip{i}.mp4", seconds, size, 300 + 100 * i))
                 for i in range(CLIPS)]
        tl = b.projects.timeline(pid)
        tl.update({"width": w, "height": h, "fps": FPS})
        tl["tracks"][1]["clips"] = [{"id": f"c{i}", "media_id": it["id"], "start": i * seconds, "in": 0,
                                     "out": seconds} for i, it in enumerate(items)]
        b.projects.save_timeline(pid, tl)
        sources = b.exports.sources(pid, tl)

        def smart() -> tuple[float, dict]:
            t = time.perf_counter()
            job = b.exports.wait(b.exports.start(pid)["id"], timeout=600)
            assert job["status"] == "done", job
            return time.perf_counter() - t, job

        listing = d / "concat.txt"
        listing.write_text("ffconcat version 1.0\n" + "".join(
            f"file '{sources[it['id']].path}'\n" for it in items), "utf-8")
        concat_args = ["-f", "concat", "-safe", "0", "-i", str(listing), "-map", "0:v:0", "-map", "0:a:0",
                       "-c", "copy", "-movflags", "+faststart", str(d / "concat.mp4")]
        work = d / "bare"
        work.mkdir()
        encode_args, _ = build_export_args(tl, sources, work / "out.mp4", work, find_font())
        ours, concat = [], []
        job: dict = {}
        for _ in range(3):  # in turn, so a neighbour's load weighs on both alike
            concat.append(_ffmpeg(concat_args))
            took, job = smart()
            ours.append(took)
        reencode = _ffmpeg(encode_args)  # once: it is the slow one

        # every clip cut between keyframes: 0.5 s in, a keyframe at 2 s
        cut = 0.5
        tl["tracks"][1]["clips"] = [{"id": f"c{i}", "media_id": it["id"], "start": i * (seconds - cut), "in": cut,
                                     "out": seconds} for i, it in enumerate(items)]
        b.projects.save_timeline(pid, tl)
        cut_work = d / "bare-cut"
        cut_work.mkdir()
        cut_args, _ = build_export_args(tl, sources, cut_work / "out.mp4", cut_work, find_font())
        spliced = []
        cut_job: dict = {}
        for _ in range(2):
            took, cut_job = smart()
            spliced.append(took)
        cut_reencode = _ffmpeg(cut_args)
        b.close()
    t_ours, t_concat = statistics.median(ours), statistics.median(concat)
    what = f"export {total} s, {CLIPS} whole {'320x180' if small else '1080p'} 30 fps clips, smart render"
    return [
        Row(f"{what}: all copied ({job['plan']['summary']})", 1.0 if job["plan"]["copy"] else 0.0, "",
            target="copied", ok=bool(job["plan"]["copy"])),
        Row(f"{what}, s", t_ours, "s", "bare ffmpeg re-encode, the export's arguments, s", reencode, "<= 0.1x",
            t_ours <= 0.1 * reencode),
        Row(f"{what}, s ", t_ours, "s", "ffmpeg concat demuxer, stream copy, s", t_concat, "<= 3x",
            t_ours <= 3 * t_concat),
        Row(f"every clip cut mid-GOP ({cut_job['plan']['summary'][:160]})",
            sum(s["end"] - s["start"] for s in cut_job["plan"]["stretches"] if s["action"] == "copy"), "s copied",
            target="spliced", ok=bool(cut_job["plan"].get("splice"))),
        Row(f"export {total - CLIPS * cut:g} s, every clip cut mid-GOP, smart render, s", statistics.median(spliced),
            "s", "bare ffmpeg re-encode, the export's arguments, s", cut_reencode, "<= 0.35x",
            statistics.median(spliced) <= 0.35 * cut_reencode),
    ]
