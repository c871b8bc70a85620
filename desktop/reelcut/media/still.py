"""One clip's first or last frame as the export draws it: Extend sends a clip's last frame to an
image-to-video model, Fill sends the frames on both sides of a gap to a first/last-frame model.

The frame is rendered through the export's own graph (media/compose.py) at the canvas size,
so it is the clip after its transform, crop, fit and opacity, over the export's black canvas
(not the bare source frame). The clip is cut down to the one frame that is wanted, with its
animated values sampled at that frame and kept as static values, so the render decodes one
frame and not the whole clip. Fades and transitions are left out: they belong to the join with
the neighbour, and a frame faded to black would be a poor start for a new shot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .animation import PROPERTIES, clip_length, property_at
from .compose import Source, build_export_args
from .encode import run_ffmpeg

WHICH = ("first", "last")
_LOOK_KEYS = ("id", "media_id", "speed", "crop", "fit")


def frame_clip(clip: dict[str, Any], which: str, fps: float) -> dict[str, Any]:
    """The clip reduced to the single frame shown at its in point ("first") or its out point
    ("last": the frame drawn one frame before the clip ends), at timeline time 0."""
    if which not in WHICH:
        raise ValueError(f"which must be one of {WHICH}")
    length = clip_length(clip)
    frame = 1.0 / fps
    t = 0.0 if which == "first" else max(0.0, length - frame)
    speed = float(clip.get("speed", 1.0))
    source = float(clip["in"]) + t * speed
    out = min(float(clip["out"]), source + frame * speed)
    if out - source < frame * speed / 2:  # the last frame of a very short clip
        source = max(float(clip["in"]), out - frame * speed)
    new = {k: clip[k] for k in _LOOK_KEYS if k in clip}
    new.update(start=0.0, **{"in": source, "out": out})
    transform = {key.split(".", 1)[1]: property_at(clip, key, t) for key in PROPERTIES if key.startswith("transform.")}
    new["transform"] = transform
    new["opacity"] = property_at(clip, "opacity", t)
    return new


def render_frame(doc: dict[str, Any], clip: dict[str, Any], which: str, source: Source, out_png: Path,
                 work_dir: Path) -> Path:
    """Write the clip's first or last frame, composed on the canvas of `doc`, as a PNG."""
    fps = float(doc["fps"])
    one = frame_clip(clip, which, fps)
    single = {"version": 2, "fps": fps, "width": doc["width"], "height": doc["height"],
              "tracks": [{"id": "frame", "kind": "video", "clips": [one]}], "markers": []}
    work_dir.mkdir(parents=True, exist_ok=True)
    mp4 = work_dir / "frame.mp4"
    args, _ = build_export_args(single, {clip["media_id"]: source}, mp4, work_dir, None)
    # the same graph, its picture written as one PNG instead of an MP4 (the sound goes nowhere)
    cut = args.index("-map")
    tail = ["-map", "[vout]", "-frames:v", "1", "-c:v", "png", "-f", "image2", "-update", "1", str(out_png),
            "-map", "[aout]", "-f", "null", "-"]
    run_ffmpeg([*args[:cut], *tail], duration=1.0 / fps, what="The frame")
    return out_png
