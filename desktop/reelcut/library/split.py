"""Splitting one clip in two at a time inside it: the page's rule (web/js/timeline/split-model.js),
for the MCP server, so a split by an agent stores the document a split in the page stores.
tests/test_mcp_split.py runs both on one document and compares them.

The halves together play what the clip played: each its part of the media (speed counted); a
keyframed property gets a keyframe at the cut on both halves with its value there (the one
definition of it, media/animation.py), and the keyframes after the cut move to the right half,
counted from its start; the fade in stays at the left half's start, the fade out at the right
half's end (shortened to its half when longer); the transition in and the link stay on the left.
The arithmetic is the page's, operation for operation, so both give the same floats."""

from __future__ import annotations

import copy
from typing import Any

from ..media.animation import property_at


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
    if "fade_in" in left and left["fade_in"] > d:
        left["fade_in"] = d
    if "fade_out" in right and right["fade_out"] > right_length:
        right["fade_out"] = right_length
    if "keyframes" in clip and clip["keyframes"] is not None:
        left["keyframes"], right["keyframes"] = {}, {}
        for name, keys in clip["keyframes"].items():
            left["keyframes"][name], right["keyframes"][name] = _cut_keys(clip, name, keys, d)
    return left, right
