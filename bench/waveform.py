"""Waveform peaks of 1 minute, 1 hour and 10 hours of sound: time and peak memory. Each is
computed in a child process, whose peak RSS growth over its own baseline (imports and a warm-up
done) is the computation's. Baselines, same run: bare ffmpeg decoding the same file to nothing
(the floor for time), and the former pattern (every sample kept, then concatenated) for memory.
Targets: memory flat, time linear in the length."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from reelcut.media.ffmpeg import ffmpeg_exe

from .common import Row, median_of, scratch

ROOT = Path(__file__).resolve().parents[1]

OURS = """
from reelcut.media.filmstrip import waveform_peaks
def compute(src):
    return waveform_peaks(src)
"""

# the waveform as it was before issue 33: every sample at 8 kHz kept, concatenated, abs()
FORMER = """
import av, numpy as np
def compute(src):
    with av.open(str(src)) as container:
        duration = container.duration / av.time_base if container.duration else 0
        points = max(1, min(4000, int(duration * 50) or 1))
        resampler = av.AudioResampler(format="flt", layout="mono", rate=8000)
        chunks = []
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
    samples = np.abs(np.concatenate(chunks))
    return {"duration": duration, "peaks": [float(b.max()) for b in np.array_split(samples, points)]}
"""

MEASURE = """
import json, resource, sys, time
from pathlib import Path

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

compute(Path(sys.argv[1]))
before = peak_mb()
t = time.perf_counter()
data = compute(Path(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - t, "growth_mb": peak_mb() - before,
                  "child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "points": len(data["peaks"])}))
"""


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "fatal", "-nostdin", "-y", *args], check=True)


def _concat(dest: Path, part: Path, copies: int) -> Path:
    listing = dest.with_suffix(".txt")
    listing.write_text("".join(f"file '{part.name}'\n" for _ in range(copies)))
    _ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(dest))
    return dest


def make_audio(folder: Path, small: bool) -> dict[str, Path]:
    """A second (the warm-up), a minute, and longer sound joined from that minute by stream copy."""
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050", "-t", "1", "-ac", "1", "-b:a", "8k",
            str(folder / "second.mp3"))
    minute = folder / "minute.mp3"
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050", "-af", "volume=4", "-t", "60",
            "-ac", "1", "-b:a", "8k", str(minute))
    if small:
        return {"1 min": minute, "10 min": _concat(folder / "ten-min.mp3", minute, 10)}
    hour = _concat(folder / "hour.mp3", minute, 60)
    return {"1 min": minute, "1 h": hour, "10 h": _concat(folder / "ten-hours.mp3", hour, 10)}


def measure(code: str, warmup: Path, src: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", code + MEASURE, str(warmup), str(src)], capture_output=True,
                         text=True, timeout=1800, cwd=ROOT, env={"PYTHONPATH": str(ROOT / "desktop"),
                                                                 "PATH": "/usr/bin:/bin"})
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def bare_decode(src: Path) -> float:
    """ffmpeg alone, decoding, mixing and resampling the same way, into nothing."""
    t = time.perf_counter()
    _ffmpeg("-i", str(src), "-map", "0:a:0", "-ac", "1", "-ar", "8000", "-f", "null", "-")
    return time.perf_counter() - t


def run(small: bool) -> list[Row]:
    rows: list[Row] = []
    with scratch() as d:
        files = make_audio(d, small)
        warmup = d / "second.mp3"
        ours: dict[str, dict[str, Any]] = {}
        for label, src in files.items():
            runs = 3 if label == "1 min" else 1
            results = [measure(OURS, warmup, src) for _ in range(runs)]
            m = sorted(results, key=lambda r: r["seconds"])[len(results) // 2]
            m["growth_mb"] = max(r["growth_mb"] for r in results)
            ours[label] = m
            floor = median_of(runs, lambda src=src: bare_decode(src))
            # a minute is mostly fixed costs (a probe, a process start): targets are for long sound
            fixed = label == "1 min"
            rows.append(Row(f"waveform of {label}, s", m["seconds"], "s", "bare ffmpeg decode of the same file, s",
                            floor, "" if fixed else "<= 1.5x", None if fixed else m["seconds"] <= 1.5 * floor))
        # memory: against the former pattern on all but the longest (10 h of it took ~3.7 GB)
        first = next(iter(files))
        for label in files:
            former = measure(FORMER, warmup, files[label]) if label != list(files)[-1] else None
            growth = ours[label]["growth_mb"]
            rows.append(Row(f"peak RSS growth, {label}, MB", growth, "MB",
                            "former pattern (all samples in memory), MB" if former else
                            f"ours on {first}, MB", former["growth_mb"] if former else ours[first]["growth_mb"],
                            "< 100 MB", growth < 100))
            rows.append(Row(f"ffmpeg child peak RSS, {label}, MB", ours[label]["child_mb"], "MB", "", None,
                            "< 100 MB", ours[label]["child_mb"] < 100))
        labels = list(files)
        short, long = labels[-2], labels[-1]
        factor = 10  # the longest is ten times the one before it
        per_long = ours[long]["seconds"] / factor
        rows.append(Row(f"time for {long} / {factor}, s (linear: = time for {short})", per_long, "s",
                        f"time for {short}, s", ours[short]["seconds"], "<= 1.3x",
                        per_long <= 1.3 * ours[short]["seconds"]))
    return rows
