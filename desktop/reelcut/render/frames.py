"""Still frames for an agent's eyes (the MCP look tools): a frame of the composed timeline at a
time, rendered by the export's own graph (media/compose.py), and a frame of a media item,
decoded in process with PyAV.

The timeline frame is the export of one frame: the document keeps only the clips that show in
that frame (a clip ending before it, or starting after it, adds nothing to it, and a transition
into a kept clip keeps the clip it leaves, which still shows then), the range is that frame, the
format a PNG scaled to the asked width. When nothing kept changes with its clip's own time (no
fade, keyframe or transition), the frame is cut out of the document first, so a frame an hour
into a clip is a seek, not an hour of decoding. It is checked against the render budget like an export,
and killed past FRAME_TIMEOUT: a look must answer quickly or say why not."""

from __future__ import annotations

import math
import shutil
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from ..errors import AppError
from ..library.media_store import MediaStore
from ..media.animation import clip_length
from ..media.compose import Source, build_export_args, preflight, timeline_end
from ..media.encode import EncodeCancelled, run_ffmpeg
from ..media.fonts import find_font
from ..media.output import Output
from ..media.thumbnail import black, frame_png, png_bytes
from . import budget
from .plan import cut_to_range

FRAME_TIMEOUT = 20.0  # seconds: building the graph and rendering the one frame
DEFAULT_WIDTH = 640
MIN_WIDTH, MAX_WIDTH = 16, 3840

# the export format of a still: one PNG frame, written by ffmpeg's image2 muxer
STILL = {"label": "PNG still", "extension": "png", "mime": "image/png", "muxer": "image2",
         "video": {"encoder": "png", "codec": "png", "name": "PNG", "pix_fmt": "rgb24",
                   "args": ["-frames:v", "1", "-update", "1"], "quality_arg": None},
         "audio": None, "quality": {"still": {}}}


def _number(value: Any, field: str, what: str) -> float:
    """A query value (a string) or a JSON number as a finite float, or a 422 naming the field."""
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise AppError("invalid_frame", f"{field} must be {what}.", field=field)
    return number


def parse_width(value: Any) -> int:
    if value is None or value == "":
        return DEFAULT_WIDTH
    width = _number(value, "width", f"a whole number of pixels from {MIN_WIDTH} to {MAX_WIDTH}")
    if width != int(width) or not MIN_WIDTH <= width <= MAX_WIDTH:
        raise AppError("invalid_frame", f"width must be a whole number of pixels from {MIN_WIDTH} to {MAX_WIDTH}.",
                       field="width")
    return int(width)


def parse_time(value: Any) -> float:
    if value is None or value == "":
        raise AppError("invalid_frame", "t (the time in seconds) is required.", field="t")
    return _number(value, "t", "a time in seconds")


def showing(doc: dict[str, Any], start: float, end: float) -> dict[str, Any]:
    """The document with only the clips that show between start and end (captions tracks kept
    whole: their lines are text, drawn cheaply)."""
    tracks = []
    for track in doc["tracks"]:
        if track["kind"] == "captions":
            tracks.append(track)
            continue
        clips = [c for c in track["clips"]
                 if float(c["start"]) < end and float(c["start"]) + clip_length(c) > start]
        tracks.append({**track, "clips": clips})
    return {**doc, "tracks": tracks}


def _timeless(doc: dict[str, Any]) -> bool:
    """Whether no clip's picture depends on the time since its start (a fade, keyframes, a
    transition) and no captions show: then a range cut out of the document (render/plan.py
    cut_to_range) renders exactly as that range of the whole does."""
    for track in doc["tracks"]:
        for c in track["clips"]:
            if track["kind"] == "captions" or c.get("transition_in") or any((c.get("keyframes") or {}).values()):
                return False
            if float(c.get("fade_in") or 0) > 0 or float(c.get("fade_out") or 0) > 0:
                return False
    return True


def timeline_frame(doc: dict[str, Any], sources: dict[str, Source], t: float, width: int, temp_dir: Path,
                   timeout: float = FRAME_TIMEOUT) -> bytes:
    """The PNG of the composed timeline at `t`, `width` pixels wide (the canvas's aspect kept)."""
    if timeline_end(doc) <= 0:
        raise AppError("outside_timeline", "The timeline is empty: there is no frame to look at yet.", field="t")
    duration = preflight(doc, sources)
    if not 0 <= t < duration:
        raise AppError("outside_timeline", f"t={t:g} is outside the timeline: it runs from 0 to {duration:.3f} s.",
                       field="t")
    fps = float(doc["fps"])
    # the frame on the canvas's grid that shows at t: a clip kept below reaches past its start
    start = math.floor(t * fps + 1e-6) / fps
    end = start + 1 / fps
    frame_doc = showing(doc, start, end)
    cw, ch = int(doc["width"]), int(doc["height"])
    w, h = width, max(2, round(width * ch / cw))  # a PNG needs no even sides
    if not any(tr["clips"] for tr in frame_doc["tracks"]):
        return png_bytes(black(w, h))  # a gap: the canvas's black
    if _timeless(frame_doc):
        # nothing there changes with its clip's own time: cut the frame out and render it alone,
        # from a seek into each source, not from each clip's start
        frame_doc, start, end = cut_to_range(frame_doc, start, end), 0.0, end - start
    budget.check(frame_doc)
    output = Output("png_still", STILL, "still", w, h, fps, start, end, False)
    cancel = threading.Event()
    timer = threading.Timer(timeout, cancel.set)

    def check() -> None:
        if cancel.is_set():
            raise EncodeCancelled()

    work = Path(tempfile.mkdtemp(prefix=f"frame-{uuid.uuid4().hex[:8]}-", dir=temp_dir))
    timer.start()
    try:
        out = work / "frame.png"
        args, _ = build_export_args(frame_doc, sources, out, work, find_font(), check=check, output=output)
        run_ffmpeg(args, duration=end - start, cancel=cancel, what="The frame")
        return out.read_bytes()
    except EncodeCancelled:
        raise AppError("frame_timeout", f"The frame at {t:g} s took longer than {timeout:g} s to render; "
                                        "simplify what shows there, or look at a smaller width.") from None
    finally:
        timer.cancel()
        shutil.rmtree(work, ignore_errors=True)


def media_frame(media: MediaStore, media_id: str, t: Any, width: Any = None) -> bytes:
    """The PNG of a media item's picture at `t` seconds into it (a still: its picture); `t` and
    `width` as the query gives them."""
    item = media.get(media_id)  # an unknown item: 404 before the query's 422
    t, width = parse_time(t), parse_width(width)
    if item["kind"] == "audio":
        raise AppError("no_picture", f"'{item['name']}' is a sound: it has no picture to look at.",
                       field="media_id")
    duration = item.get("duration") or 0
    if t < 0 or (item["kind"] == "video" and duration and t >= duration):
        raise AppError("outside_media", f"t={t:g} is outside '{item['name']}': it runs from 0 to "
                                        f"{duration:.3f} s.", field="t")
    path, _ = media.file_path(media_id)
    data = frame_png(path, t if item["kind"] == "video" else None, width)
    if data is None:
        raise AppError("no_picture", f"'{item['name']}' has no picture at {t:g} s.", field="t")
    return data
