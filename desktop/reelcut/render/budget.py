"""The render budget: what an export would cost, counted from the document alone (no sampling,
no probing, no ffmpeg), and refused before any work when it is past what can finish in
reasonable time or memory.

The saved-timeline limits (library/timeline.py) bound each field; together they still allow a
timeline that would render for weeks (200 clips of 4 h at 120 fps on a 7680x7680 canvas). The
budget bounds the product of them, in two figures, each checked per export at its start:

- **time**, as an estimate in milliseconds: every layer frame costs its pixels (the canvas's,
  times the square of its largest scale, twice when it turns, as the fit box and the rotated
  layer are that large) at PIXEL_NS each, plus SAMPLE_US to sample its values and KEY_US per
  keyframe of the clip, plus VALUE_US per animated value on it; the canvas's own frames cost
  their pixels too (the encode). Past BUDGET_MS the export is refused.
- **planning**: the sampling before ffmpeg starts (pictures, and every audible clip's gain every
  10 ms) is estimated the same way; past MAX_PLAN_MS (two minutes) the export is refused.
- **samples**: every layer frame is sampled in Python before ffmpeg starts, and the samples are
  held in memory while the layer's script is written (up to about 900 bytes a frame). Past
  MAX_SAMPLES layer frames the export is refused, so planning stays under about 30 s and
  450 MB; it runs on the export's own thread, where Cancel stops it within a few thousand
  samples.

The refusal (422, `over_budget`) names the clip that costs most (its field path and id) and says
what to shorten or simplify. Counting is arithmetic on each clip's span: O(clips + keyframes),
microseconds even at the limits."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..errors import AppError
from ..library.timeline import field_path
from ..media.animation import PROPERTIES
from ..media.compose import timeline_end
from ..media.layers import Canvas
from ..media.placement import place_track

PIXEL_NS = 5.0  # per pixel of a layer frame: fit, rotate, overlay and the encode's share
# Planning, measured on 2 shared cores (tests/test_export_bounds.py's clip): 40 us a layer frame
# held still, 53 us with 2 rotation keyframes, 68 us with 240 (property_at scans the keyframes);
# 432,000 frames with 240 keyframes planned in 42 s and 386 MB.
SAMPLE_US = 50.0  # per layer frame sampled in Python
KEY_US = 0.1  # per keyframe of the clip, per layer frame (the scan)
VALUE_US = 2.0  # per animated value per layer frame: its command written and applied
BUDGET_MS = 24 * 3600 * 1000.0  # a day of estimated rendering
MAX_SAMPLES = 500_000  # layer frames sampled before ffmpeg starts (at most about 30 s and 450 MB)
# Sound: every audible clip's gain is sampled every 10 ms (media/sound.py), its samples freed
# clip by clip: 3.8 us a step held still, 19 us with 240 volume keyframes (measured on an hour).
AUDIO_STEP = 0.01  # seconds
AUDIO_US = 4.0
MAX_PLAN_MS = 120_000.0  # all the sampling before ffmpeg starts, pictures and sound: two minutes


@dataclass
class Cost:
    ms: float = 0.0
    samples: int = 0
    worst_ms: float = 0.0
    worst_samples: int = 0
    worst_clip: str = ""  # field path of the clip that costs most time
    worst_clip_id: str = ""
    most_sampled: str = ""
    most_sampled_id: str = ""
    plan_ms: float = 0.0  # the sampling done before ffmpeg starts
    worst_plan_ms: float = 0.0
    worst_plan_clip: str = ""
    worst_plan_clip_id: str = ""

    def _worst(self, what: str, value: float, where: str, clip_id: str) -> None:
        if value > getattr(self, f"worst_{what}"):
            setattr(self, f"worst_{what}", value)
            if what == "ms":
                self.worst_clip, self.worst_clip_id = where, clip_id
            elif what == "samples":
                self.most_sampled, self.most_sampled_id = where, clip_id
            else:
                self.worst_plan_clip, self.worst_plan_clip_id = where, clip_id


def _largest(clip: dict[str, Any], name: str, default: float) -> float:
    keys = (clip.get("keyframes") or {}).get(name) or []
    values = [abs(float(k["value"])) for k in keys]
    own = (clip.get("transform") or {}).get(name.split(".", 1)[1]) if name.startswith("transform.") else None
    return max([abs(float(own)) if own is not None else default, *values])


def _animated(clip: dict[str, Any]) -> int:
    """How many of the layer's values may change from frame to frame (upper bound, unsampled)."""
    keyframes = clip.get("keyframes") or {}
    n = sum(1 for name in PROPERTIES if name != "volume" and len(keyframes.get(name) or []) > 1)
    if clip.get("fade_in") or clip.get("fade_out"):
        n += 1
    if clip.get("transition_in"):
        n += 2  # its own mix, and the outgoing clip's
    return n


def estimate(doc: dict[str, Any]) -> Cost:
    w, h, fps = int(doc["width"]), int(doc["height"]), float(doc["fps"])
    canvas = Canvas(w, h, fps)
    px = w * h
    cost = Cost()
    cost.ms = len(canvas.frames(0.0, timeline_end(doc))) * px * PIXEL_NS / 1e6
    for ti, track in enumerate(doc["tracks"]):
        if track["kind"] in ("text", "captions"):
            continue  # titles are cheap per frame next to pictures
        picture = track["kind"] == "video" and not track.get("hidden")
        audible = not track.get("muted")  # an upper bound: the media may have no sound
        positions = {id(c): ci for ci, c in enumerate(track["clips"])}
        for placed in place_track(track):
            clip = placed.clip
            where = field_path(field_path(field_path("tracks", ti), "clips"), positions.get(id(clip), 0))
            clip_id = str(clip.get("id", ""))
            keyframes = clip.get("keyframes") or {}
            ms = plan_ms = 0.0
            if picture:
                frames = len(canvas.frames(placed.picture_start, placed.picture_end))
                scale = max(1.0, _largest(clip, "transform.scale", 1.0))
                turns = _largest(clip, "transform.rotation", 0.0) > 0
                layer_px = px * scale * scale * (2 if turns else 1)
                keys = sum(len(k or []) for k in keyframes.values())
                plan_ms += frames * (SAMPLE_US + keys * KEY_US) / 1e3
                ms += frames * (layer_px * PIXEL_NS / 1e6 + _animated(clip) * VALUE_US / 1e3)
                cost.samples += frames
                cost._worst("samples", frames, where, clip_id)
            if audible:
                steps = math.ceil(placed.length / AUDIO_STEP)
                plan_ms += steps * (AUDIO_US + len(keyframes.get("volume") or []) * KEY_US) / 1e3
            ms += plan_ms
            cost.ms += ms
            cost.plan_ms += plan_ms
            cost._worst("ms", ms, where, clip_id)
            cost._worst("plan_ms", plan_ms, where, clip_id)
    return cost


def _hours(ms: float) -> str:
    h = ms / 3_600_000
    return f"{h:,.0f} hours" if h >= 10 else f"{h:.1f} hours"


def check(doc: dict[str, Any]) -> Cost:
    """The export's cost, or an AppError (422) naming the clip to shorten or simplify."""
    cost = estimate(doc)
    if cost.ms > BUDGET_MS:
        err = AppError("over_budget", (
            f"This export would take about {_hours(cost.ms)} to render, more than Reelcut's budget of "
            f"{_hours(BUDGET_MS)}. The costliest clip is timeline {cost.worst_clip} (\"{cost.worst_clip_id}\", "
            f"about {_hours(cost.worst_ms)}): shorten it or speed it up, lower the frame rate or the size, "
            "or remove its keyframes, scale and rotation."), field=cost.worst_clip or None)
        err.extra["estimate_ms"] = round(cost.ms)
        raise err
    if cost.samples > MAX_SAMPLES:
        raise AppError("over_budget", (
            f"This export would have Reelcut work out {cost.samples:,} layer frames before it starts, more than "
            f"its budget of {MAX_SAMPLES:,}. The clip with most is timeline {cost.most_sampled} "
            f"(\"{cost.most_sampled_id}\", {cost.worst_samples:,} frames): shorten it or speed it up, lower the "
            "frame rate, or split the export."), field=cost.most_sampled or None)
    if cost.plan_ms > MAX_PLAN_MS:
        raise AppError("over_budget", (
            f"This export would have Reelcut work out its pictures and sound for about {cost.plan_ms / 60000:,.0f} "
            f"minutes before it starts, more than its budget of {MAX_PLAN_MS / 60000:,.0f}. The costliest clip "
            f"is timeline {cost.worst_plan_clip} (\"{cost.worst_plan_clip_id}\"): shorten it, mute its track or "
            "remove its keyframes, or split the export."), field=cost.worst_plan_clip or None)
    return cost
