"""Timeline previews made by the server: a filmstrip sprite for video clips and a peak
waveform for sound, both computed once and cached beside the thumbnail."""

from __future__ import annotations

import subprocess
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np

from ..errors import AppError
from .encode import spawn_ffmpeg
from .thumbnail import upright, write_jpeg

STRIP_FRAMES = 10
STRIP_HEIGHT = 54
STRIP_MAX_ASPECT = 4


def make_filmstrip(src: Path, dest: Path, frames: int = STRIP_FRAMES, height: int = STRIP_HEIGHT) -> bool:
    """A single JPEG with `frames` evenly spaced pictures side by side."""
    with av.open(str(src)) as container:
        if not container.streams.video:
            return False
        stream = container.streams.video[0]
        duration = container.duration / av.time_base if container.duration else 0
        width = 0
        canvas = None
        last = None
        for i in range(frames):
            when = duration * (i + 0.5) / frames
            if duration and stream.time_base:
                container.seek(int(when / stream.time_base), stream=stream)
            frame = next(container.decode(stream), None)
            frame = upright(frame) if frame is not None else last
            if frame is None:
                break
            last = frame
            if canvas is None:  # sized by the first picture as shown (a phone's portrait video turned)
                # its aspect kept up to 4:1: a 2000×2 video once asked for a 540000-pixel sprite
                aspect = min(frame.width / frame.height, STRIP_MAX_ASPECT)
                width = max(2, round(aspect * height) // 2 * 2)
                canvas = np.zeros((height, width * frames, 3), dtype=np.uint8)
            canvas[:, i * width:(i + 1) * width] = frame.to_ndarray(width=width, height=height, format="rgb24")
    if canvas is None:
        canvas = np.zeros((height, 2 * frames, 3), dtype=np.uint8)
    write_jpeg(av.VideoFrame.from_ndarray(canvas, format="rgb24"), dest)
    return True


WAVE_RATE = 8000  # samples a second the peaks are taken from (mono)
_CHUNK = 64 * 1024 * 4  # bytes of float32 samples read at a time: 8 s of sound


class WaveformCancelled(Exception):
    pass


def waveform_peaks(src: Path, per_second: int = 50, max_points: int = 4000, *,
                   on_progress: Callable[[float], None] | None = None,
                   cancel: threading.Event | None = None) -> dict[str, object]:
    """Peak amplitude (0..1) per bucket of the first audio stream, mixed to mono.

    ffmpeg decodes, mixes and resamples in its own process and pipes the samples here, where each
    chunk is folded into its buckets and dropped: the memory is a chunk and the peaks, whatever
    the length (a 10-hour file once held ~3.7 GB as whole arrays). `on_progress` gets 0..1,
    `cancel` kills ffmpeg and raises WaveformCancelled."""
    with av.open(str(src)) as container:
        if not container.streams.audio:
            return {"duration": 0, "peaks": []}
        duration = container.duration / av.time_base if container.duration else 0
    points = max(1, min(max_points, int(duration * per_second) or 1))
    total = int(duration * WAVE_RATE)  # samples expected; buckets are spread over these
    peaks = np.zeros(points, dtype=np.float32)
    proc = spawn_ffmpeg(["-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(src), "-map", "0:a:0",
                         "-vn", "-sn", "-dn", "-ac", "1", "-ar", str(WAVE_RATE), "-f", "f32le", "pipe:1"],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    assert proc.stdout is not None and proc.stderr is not None
    errors: deque[bytes] = deque(maxlen=20)  # the last lines only: a damaged file can say much
    reader = threading.Thread(target=lambda: errors.extend(proc.stderr), daemon=True)  # type: ignore[arg-type]
    reader.start()
    done = 0  # samples folded in so far
    rest = b""
    try:
        while chunk := proc.stdout.read(_CHUNK):
            if cancel is not None and cancel.is_set():
                raise WaveformCancelled()
            chunk = rest + chunk
            usable = len(chunk) - len(chunk) % 4
            rest = chunk[usable:]
            samples = np.abs(np.frombuffer(chunk[:usable], dtype="<f4"))
            if samples.size:
                _fold(peaks, samples, done, total)
                done += samples.size
                if on_progress and total:
                    on_progress(min(1.0, done / total))
        code = proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        reader.join(timeout=5)
    if cancel is not None and cancel.is_set():
        raise WaveformCancelled()
    if code != 0 and not done:
        lines = b"".join(errors).decode("utf-8", "replace").strip().splitlines()
        raise AppError("waveform_failed", f"The sound could not be read: {lines[-1] if lines else f'exit {code}'}")
    return {"duration": round(duration, 3), "peaks": [round(float(p), 3) for p in np.minimum(peaks, 1.0)]}


def _fold(peaks: np.ndarray, samples: np.ndarray, start: int, total: int) -> None:
    """Raise each bucket's peak with the samples [start, start + len) of the `total` expected
    (bucket b holds samples [ceil(b * total / n), ceil((b + 1) * total / n))). Samples past the
    expected end (a duration that was an estimate) count to the last bucket."""
    n = peaks.size
    if total <= 0 or n == 1:
        peaks[-1] = max(peaks[-1], samples.max())
        return
    first = min(n - 1, start * n // total)
    last = min(n - 1, (start + samples.size - 1) * n // total)
    bounds = (np.arange(first + 1, last + 1, dtype=np.int64) * total + n - 1) // n - start
    maxima = np.maximum.reduceat(samples, np.concatenate(([0], bounds)))
    peaks[first:last + 1] = np.maximum(peaks[first:last + 1], maxima)
