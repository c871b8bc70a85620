"""Timeline previews made by the server: a filmstrip sprite for video clips and a peak
waveform for sound, both computed once and cached beside the thumbnail."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from .thumbnail import upright, write_jpeg

STRIP_FRAMES = 10
STRIP_HEIGHT = 54


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
                width = max(2, round(frame.width * height / frame.height) // 2 * 2)
                canvas = np.zeros((height, width * frames, 3), dtype=np.uint8)
            canvas[:, i * width:(i + 1) * width] = frame.to_ndarray(width=width, height=height, format="rgb24")
    if canvas is None:
        canvas = np.zeros((height, 2 * frames, 3), dtype=np.uint8)
    write_jpeg(av.VideoFrame.from_ndarray(canvas, format="rgb24"), dest)
    return True


def waveform_peaks(src: Path, per_second: int = 50, max_points: int = 4000) -> dict[str, object]:
    """Peak amplitude (0..1) per bucket of the first audio stream, mixed to mono."""
    with av.open(str(src)) as container:
        if not container.streams.audio:
            return {"duration": 0, "peaks": []}
        duration = container.duration / av.time_base if container.duration else 0
        points = max(1, min(max_points, int(duration * per_second) or 1))
        resampler = av.AudioResampler(format="flt", layout="mono", rate=8000)
        chunks = []
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
    samples = np.abs(np.concatenate(chunks)) if chunks else np.zeros(1, dtype=np.float32)
    buckets = np.array_split(samples, points)
    peaks = [round(float(b.max()) if b.size else 0.0, 3) for b in buckets]
    return {"duration": round(duration, 3), "peaks": peaks}
