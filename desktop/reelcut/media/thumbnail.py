"""Poster frames, encoded in process with PyAV (no ffmpeg start-up cost per item)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from .probe import display_rotation

THUMB_WIDTH = 320


def make_thumbnail(src: Path, dest: Path, at: float | None = None) -> bool:
    """Write a JPEG of the frame near `at` seconds (default: a third in). Returns False when the
    file has no picture; the caller shows a placeholder then."""
    with av.open(str(src)) as container:
        if not container.streams.video:
            return False
        stream = container.streams.video[0]
        duration = container.duration / av.time_base if container.duration else 0
        when = at if at is not None else duration / 3
        if when > 0 and stream.time_base:
            container.seek(int(when / stream.time_base), stream=stream)
        frame = next(container.decode(stream), None)
        if frame is None:
            return False
    frame = upright(frame)
    width, height = thumb_size(frame.width, frame.height)
    write_jpeg(frame.reformat(width=width, height=height), dest)
    return True


def upright(frame: av.VideoFrame) -> av.VideoFrame:
    """The frame as players show it, turned by its display matrix: the way ffmpeg turns it for
    proxies and exports, and the way the media's stored size is."""
    turns = display_rotation(frame) // 90
    if not turns:
        return frame
    picture = np.ascontiguousarray(np.rot90(frame.to_ndarray(format="rgb24"), turns))
    return av.VideoFrame.from_ndarray(picture, format="rgb24")


def thumb_size(width: int, height: int) -> tuple[int, int]:
    """At most THUMB_WIDTH wide (and, for a very tall picture, 2 × that high), even sides of at
    least 2 pixels: a 1-pixel-wide video once gave a width of 0, and the encoder refused it."""
    scale = min(1.0, THUMB_WIDTH / width, 2 * THUMB_WIDTH / height)
    return max(2, round(width * scale) // 2 * 2), max(2, round(height * scale) // 2 * 2)


def write_jpeg(frame: av.VideoFrame, dest: Path) -> None:
    """Encode one frame as a JPEG, in process, and put it in place atomically."""
    frame = frame.reformat(format="yuvj420p")
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width, encoder.height = frame.width, frame.height
    encoder.pix_fmt = "yuvj420p"
    encoder.time_base = Fraction(1, 25)
    data = b"".join(bytes(p) for p in encoder.encode(frame) + encoder.encode(None))
    tmp = dest.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(dest)


def frame_png(src: Path, at: float | None, width: int) -> bytes | None:
    """The PNG of the frame showing at `at` seconds (None: the first, as of a still), upright,
    `width` pixels wide keeping its aspect; None when the file has no picture there."""
    with av.open(str(src)) as container:
        if not container.streams.video:
            return None
        stream = container.streams.video[0]
        shown = None
        if at is not None and at > 0 and stream.time_base:
            container.seek(int(at / stream.time_base), stream=stream)  # the keyframe at or before it
        rate = float(stream.average_rate or 25)
        for frame in container.decode(stream):
            # the last frame that starts at or before `at` (half a frame's grace for rounding)
            if shown is not None and at is not None and frame.time is not None and frame.time > at + 0.5 / rate:
                break
            shown = frame
            if at is None:
                break
        if shown is None:
            return None
    shown = upright(shown)
    height = max(2, round(width * shown.height / shown.width))  # a PNG needs no even sides
    return png_bytes(shown.reformat(width=width, height=height))


def black(width: int, height: int) -> av.VideoFrame:
    return av.VideoFrame.from_ndarray(np.zeros((height, width, 3), np.uint8), format="rgb24")


def png_bytes(frame: av.VideoFrame) -> bytes:
    """Encode one frame as a PNG, in process."""
    frame = frame.reformat(format="rgb24")
    encoder = av.CodecContext.create("png", "w")
    encoder.width, encoder.height = frame.width, frame.height
    encoder.pix_fmt = "rgb24"
    encoder.time_base = Fraction(1, 25)
    return b"".join(bytes(p) for p in encoder.encode(frame) + encoder.encode(None))
