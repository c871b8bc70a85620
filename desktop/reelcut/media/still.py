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


SPAN = 3  # frames rendered: the wanted one is the first or the last of them


def frame_clip(clip: dict[str, Any], which: str, fps: float) -> dict[str, Any]:
    """The clip reduced to its first or last few frames, at timeline time 0, with its animated
    values sampled at the wanted frame (the one shown at the in point, or the one shown one
    frame before the clip ends). A few frames and not one: a clip that ends where its source
    ends has its last source frame a little before the out point, and a one-frame span there
    would decode nothing."""
    if which not in WHICH:
        raise ValueError(f"which must be one of {WHICH}")
    length = clip_length(clip)
    frame = 1.0 / fps
    speed = float(clip.get("speed", 1.0))
    span = min(length, SPAN * frame)
    if which == "first":
        t = 0.0
        source, out = float(clip["in"]), float(clip["in"]) + span * speed
    else:
        t = max(0.0, length - frame)
        source, out = float(clip["out"]) - span * speed, float(clip["out"])
    new = {k: clip[k] for k in _LOOK_KEYS if k in clip}
    new.update(start=0.0, **{"in": source, "out": out})
    new["transform"] = {key.split(".", 1)[1]: property_at(clip, key, t)
                        for key in PROPERTIES if key.startswith("transform.")}
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
    # The export drops a clip's picture once its source has no frame left (eof_action=pass), and
    # its rate conversion stops at the source's last frame: a clip that ends where its source
    # ends would show the canvas on its last frame. The preview holds the last source frame
    # there, and so does this still, so what is sent is the picture the user saw.
    graph_file = Path(args[args.index(str(work_dir / "graph.txt"))])
    graph_file.write_text(graph_file.read_text("utf-8").replace("eof_action=pass", "eof_action=repeat")
                          .replace("repeatlast=0", "repeatlast=1"), "utf-8")
    # the same graph, its picture written as one PNG instead of an MP4 (the sound goes nowhere)
    cut = args.index("-map")
    # -update 1 writes every frame over the same file: the last one written stays
    count = ["-frames:v", "1"] if which == "first" else []
    tail = ["-map", "[vout]", *count, "-c:v", "png", "-f", "image2", "-update", "1", str(out_png),
            "-map", "[aout]", "-f", "null", "-"]
    run_ffmpeg([*args[:cut], *tail], duration=SPAN / fps, what="The frame")
    return out_png
