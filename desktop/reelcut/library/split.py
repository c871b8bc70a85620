"""Splitting one clip in two at a time inside it: the page's rule (web/js/timeline/split-model.js),
for the MCP server, so a split by an agent stores the document a split in the page stores.
tests/test_mcp_split.py runs both on one document and compares them.

The halves together play what the clip played: each its part of the media (speed counted); a
keyframed property gets a keyframe at the cut on both halves with its value there (the one
definition of it, media/animation.py), and the keyframes after the cut move to the right half,
counted from its start; the fade in stays at the left half's start, the fade out at the right
half's end, and a cut inside a fade keeps its levels (the half the fade ends in gets a fade of its
whole length with opacity and volume scaled by the level at the cut; the other half the rest of the
ramp as opacity and volume keyframes, sampled as the page says when those are keyframed); the
transition in and the link stay on the left. The arithmetic is the page's, operation for
operation, so both give the same floats."""

from __future__ import annotations

import copy
from typing import Any

from ..media.animation import property_at

RAMP_STEPS = 8


def _faded(clip: dict[str, Any]) -> tuple[str, ...]:
    return ("opacity",) if "duration" in clip else ("opacity", "volume")  # a text clip has no sound


def _scale(half: dict[str, Any], name: str, k: float) -> None:
    keys = (half.get("keyframes") or {}).get(name)
    if keys:
        half["keyframes"][name] = [{**key, "value": key["value"] * k} for key in keys]
    else:
        half[name] = property_at(half, name, 0) * k


def _ramp(half: dict[str, Any], name: str, s0: float, a: float, s1: float, b: float) -> None:
    """The half's property times a ramp from level a at s0 to b at s1, as keyframes."""
    keys = (half.get("keyframes") or {}).get(name) or []
    times = {s0, s1}
    if keys:
        times |= {k["time"] for k in keys if s0 < k["time"] < s1}
        times |= {s0 + (s1 - s0) * i / RAMP_STEPS for i in range(1, RAMP_STEPS)}
    def easing_at(s: float) -> str:
        before = [k for k in keys if k["time"] <= s]
        return before[-1].get("easing", "linear") if before else "linear"

    ordered = sorted(times)
    # a hold times the ramp is a slope until its next keyframe, then a jump: the sample before a
    # jump holds, so the jump stays at its time
    inside = [{"time": s, "value": property_at(half, name, s) * (a + (b - a) * (s - s0) / (s1 - s0)),
               "easing": easing_at(s) if i == len(ordered) - 1
               else "hold" if easing_at(s) == "hold"
               and property_at(half, name, ordered[i + 1]) != property_at(half, name, s) else "linear"}
              for i, s in enumerate(ordered)]
    half["keyframes"] = {**(half.get("keyframes") or {}),
                         name: [*(dict(k) for k in keys if k["time"] < s0), *inside,
                                *(dict(k) for k in keys if k["time"] > s1)]}


def _cut_keys(clip: dict[str, Any], name: str, keys: list[dict[str, Any]], d: float
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    at = next((k for k in keys if k["time"] == d), None)
    before = [dict(k) for k in keys if k["time"] < d]
    after = [{**k, "time": k["time"] - d} for k in keys if k["time"] > d]
    if at is not None:
        return [*before, dict(at)], [{**at, "time": 0}, *after]
    value = property_at(clip, name, d)
    easing = before[-1].get("easing", "linear") if before else "linear"
    return [*before, {"time": d, "value": value, "easing": easing}], [{"time": 0, "value": value, "easing": easing},
                                                                      *after]


def split_clip(clip: dict[str, Any], t: float, right_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The clip cut at timeline time t (strictly inside it; the caller checks): (left, right), new
    objects, the right half with the id `right_id`."""
    d = t - clip["start"]
    left = copy.deepcopy(clip)
    right = {**copy.deepcopy(clip), "id": right_id, "start": t}
    for key in ("link", "transition_in", "fade_in"):
        right.pop(key, None)
    left.pop("fade_out", None)
    speed = clip.get("speed", 1)
    if "duration" in clip:
        left["duration"] = d
        right["duration"] = clip["start"] + clip["duration"] - t
        right_length = right["duration"]
    else:
        left["out"] = clip["in"] + d * speed
        right["in"] = left["out"]
        right_length = (right["out"] - right["in"]) / speed
    if "keyframes" in clip and clip["keyframes"] is not None:
        left["keyframes"], right["keyframes"] = {}, {}
        for name, keys in clip["keyframes"].items():
            left["keyframes"][name], right["keyframes"][name] = _cut_keys(clip, name, keys, d)
    if "fade_in" in left and left["fade_in"] > d:
        fade = left["fade_in"]
        left["fade_in"] = d
        for name in _faded(clip):
            _ramp(right, name, 0, d / fade, fade - d, 1)
            _scale(left, name, d / fade)
    if "fade_out" in right and right["fade_out"] > right_length:
        fade = right["fade_out"]
        right["fade_out"] = right_length
        for name in _faded(clip):
            _ramp(left, name, d - (fade - right_length), 1, d, right_length / fade)
            _scale(right, name, right_length / fade)
    return left, right
